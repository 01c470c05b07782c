// The README's first registration, with the `openai` client left at its defaults (it retries a
// 429, a 5xx or a dropped connection twice by itself): every HTTP attempt is one model call.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type InvocationRecord, type ResourceMetric, toResourceMetric } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, type ScriptStep, startModelServer } from '@metrics/testkit';
import {
  Agent,
  type Model,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  Runner,
  retryPolicies,
  type Span,
  setTraceProcessors,
  setTracingDisabled,
  type TracingProcessor,
  tool,
} from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMeteredRun, instrumentRunner } from './index.js';
import { NO_ERRORS } from './test-support.js';

const ACCOUNT = '00000000-0000-4000-8000-000000000000';

/** A loopback server that answers every request with one status and counts what it got. */
interface SideServer {
  readonly url: string;
  readonly hits: string[];
  close(): Promise<void>;
}

async function startSideServer(status: number): Promise<SideServer> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(req.url ?? '');
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"error":"no"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let server: ModelServer;
let toolBackend: SideServer;
let traceCollector: SideServer;
/** The client as a new user creates it: no `maxRetries`, no custom fetch. */
let client: OpenAI;

beforeAll(async () => {
  [server, toolBackend, traceCollector] = await Promise.all([
    startModelServer(),
    startSideServer(500),
    startSideServer(503),
  ]);
  client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' });
});
afterAll(async () => {
  await Promise.all([server?.close(), toolBackend?.close(), traceCollector?.close()]);
});

/** One way to register, as the README shows it first; `execute` runs an agent to its end like a user would. */
interface Registration {
  readonly memory: InMemoryExporter;
  execute(agent: Agent<any, any>, prompt: string, streamed: boolean): Promise<unknown>;
}

async function drain(result: unknown, streamed: boolean): Promise<unknown> {
  if (!streamed) return (result as { finalOutput: unknown }).finalOutput;
  const stream = result as AsyncIterable<unknown> & { completed: Promise<void>; finalOutput: unknown };
  for await (const _event of stream) {
    // drain
  }
  await stream.completed;
  return stream.finalOutput;
}

function viaInstrumentRunner(): Registration {
  const memory = new InMemoryExporter();
  const runner = new Runner();
  instrumentRunner(runner, { exporters: [memory], logger: false });
  return {
    memory,
    execute: async (agent, prompt, streamed) =>
      drain(
        streamed ? await runner.run(agent, prompt, { stream: true }) : await runner.run(agent, prompt),
        streamed,
      ),
  };
}

function viaCreateMeteredRun(): Registration {
  const memory = new InMemoryExporter();
  const run = createMeteredRun({ exporters: [memory], logger: false });
  return {
    memory,
    execute: async (agent, prompt, streamed) =>
      drain(streamed ? await run(agent, prompt, { stream: true }) : await run(agent, prompt), streamed),
  };
}

const registrations = [
  ['instrumentRunner', viaInstrumentRunner()],
  ['createMeteredRun', viaCreateMeteredRun()],
] as const;

const kinds = [
  ['OpenAIChatCompletionsModel', () => new OpenAIChatCompletionsModel(client, 'gpt-4o')],
  ['OpenAIResponsesModel', () => new OpenAIResponsesModel(client, 'gpt-4.1')],
] as const;

afterEach(() => {
  expect(server.pending()).toEqual({});
  expect(server.exhausted).toEqual([]);
  server.reset();
  for (const [, registration] of registrations) registration.memory.reset();
  toolBackend.hits.length = 0;
  traceCollector.hits.length = 0;
});

async function onlyRecord(
  memory: InMemoryExporter,
): Promise<{ record: InvocationRecord; metric: ResourceMetric }> {
  const [record] = await memory.waitFor(1);
  expect(memory.records).toHaveLength(1);
  return { record: record!, metric: toResourceMetric(record!, { accountId: ACCOUNT }) };
}

/** A tool that calls its own backend, which answers 500: not a model call. */
const lookup = tool({
  name: 'lookup',
  description: 'Looks an order up',
  parameters: z.object({ id: z.string() }),
  execute: async ({ id }) => {
    const answer = await fetch(`${toolBackend.url}/orders/${id}`);
    return `backend answered ${answer.status}`;
  },
});

/** A tool that asks the model server's own origin for something it lacks (404): still not a model call. */
const sameOrigin = tool({
  name: 'same_origin',
  description: 'Asks the model host for something',
  parameters: z.object({}),
  execute: async () => {
    const answer = await fetch(`${server.url}/v1/not-a-route`, { method: 'POST', body: '{}' });
    return `model host answered ${answer.status}`;
  },
});

/** A tool that schedules a tracing upload (it inherits the run's async context) and waits for it. */
const traced = tool({
  name: 'traced',
  description: 'Does something traced',
  parameters: z.object({}),
  execute: async () => {
    const status = await new Promise<number>((resolve) =>
      setTimeout(
        () =>
          void fetch(`${traceCollector.url}/v1/traces`, { method: 'POST', body: '[]' }).then(
            (r) => resolve(r.status),
            () => resolve(0),
          ),
        1,
      ),
    );
    return `traced (${status})`;
  },
});

describe.each(registrations)('%s, client retries on', (_name, registration) => {
  const { memory, execute } = registration;

  describe.each(kinds)('%s', (_kind, makeModel: () => Model) => {
    describe.each([false, true])('streamed: %s', (streamed) => {
      it('a 429 the client retried: 2 model calls, 1 throttle, usage of the answer', async () => {
        server.script('t429', [
          { error: { status: 429, message: 'slow down', retryAfter: 0 } },
          { text: 'ok', usage: { input: 7, output: 2 }, firstChunkDelayMs: 5 },
        ]);
        const agent = new Agent({ name: 'throttled', instructions: 'x', model: makeModel() });
        expect(await execute(agent, 'hi script:t429', streamed)).toBe('ok');
        const { record, metric } = await onlyRecord(memory);
        expect(metric).toMatchObject({
          inputTokenCount: 7,
          outputTokenCount: 2,
          modelInvocationCount: 2,
          ...NO_ERRORS,
          modelInvocationThrottles: 1,
        });
        expect(record.outcome).toBe('success');
        expect(record.modelCalls.map((c) => [c.attempt, c.outcome, c.status])).toEqual([
          [1, 'error', 429],
          [2, 'success', undefined],
        ]);
        if (streamed) {
          // the first token comes from the attempt that produced it
          const answer = record.modelCalls[1]!;
          expect(answer.firstTokenAt).toBeGreaterThanOrEqual(answer.startedAt);
          expect(metric.ttft).toBeGreaterThan(0);
        } else expect(metric.ttft).toBe(0);
      });

      it('5xx until the client gives up: 3 model calls, 3 server errors, the run failed once', async () => {
        server.script('t500', [
          { error: { status: 500, message: 'boom', retryAfter: 0 } },
          { error: { status: 502, message: 'boom', retryAfter: 0 } },
          { error: { status: 503, message: 'boom', retryAfter: 0 } },
        ]);
        const agent = new Agent({ name: 'down', instructions: 'x', model: makeModel() });
        const error = await execute(agent, 'hi script:t500', streamed).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OpenAI.APIError);
        expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
        expect(server.requests).toHaveLength(3);
        const { record, metric } = await onlyRecord(memory);
        expect(record.outcome).toBe('error');
        expect(metric).toMatchObject({
          inputTokenCount: 0,
          outputTokenCount: 0,
          modelInvocationCount: 3,
          ...NO_ERRORS,
          modelInvocationServerErrors: 3,
        });
        expect(record.modelCalls.map((c) => [c.attempt, c.status])).toEqual([
          [1, 500],
          [2, 502],
          [3, 503],
        ]);
        // the run's error is the last attempt's, counted on that model call only
        expect(record.errors).toEqual([]);
      });

      it('a connection reset the client retried: a server error, then the answer', async () => {
        server.script('reset', [{ drop: true }, { text: 'back', usage: { input: 4, output: 1 } }]);
        const agent = new Agent({ name: 'reset', instructions: 'x', model: makeModel() });
        expect(await execute(agent, 'hi script:reset', streamed)).toBe('back');
        const { record, metric } = await onlyRecord(memory);
        expect(metric).toMatchObject({
          inputTokenCount: 4,
          outputTokenCount: 1,
          modelInvocationCount: 2,
          ...NO_ERRORS,
          modelInvocationServerErrors: 1,
        });
        expect(record.modelCalls[0]).toMatchObject({ outcome: 'error', error: { category: 'network' } });
        expect(record.modelCalls[0]!.status).toBeUndefined();
      });

      it('tool requests (another origin answering 500, the model host answering 404) and a tracing upload are not model calls', async () => {
        server.script('tools', [
          {
            toolCalls: [
              { name: 'lookup', arguments: { id: '7' } },
              { name: 'same_origin', arguments: {} },
              { name: 'traced', arguments: {} },
            ],
            usage: { input: 30, output: 6 },
          },
          { error: { status: 429, retryAfter: 0 } },
          { text: 'done', usage: { input: 50, output: 3 } },
        ]);
        const agent = new Agent({
          name: 'tooling',
          instructions: 'x',
          model: makeModel(),
          tools: [lookup, sameOrigin, traced],
        });
        expect(await execute(agent, 'go script:tools', streamed)).toBe('done');
        expect(toolBackend.hits).toEqual(['/orders/7']);
        expect(traceCollector.hits).toEqual(['/v1/traces']);
        const { record, metric } = await onlyRecord(memory);
        expect(metric).toMatchObject({
          inputTokenCount: 80,
          outputTokenCount: 9,
          modelInvocationCount: 3,
          ...NO_ERRORS,
          modelInvocationThrottles: 1,
          tools: [{ toolType: 'api', toolCalls: 3, successCount: 3, failureCount: 0 }],
        });
        expect(record.modelCalls.map((c) => [c.outcome, c.status])).toEqual([
          ['success', undefined],
          ['error', 429],
          ['success', undefined],
        ]);
      });
    });
  });

  it('20 concurrent runs with different retry scripts (both models, half streamed): each record exact', async () => {
    const count = 20;
    // i % 4: 0 clean, 1 one 429, 2 two 5xx, 3 a 429 then a 500; and every run calls one tool
    const failures = (i: number): ScriptStep[] =>
      [
        [],
        [{ error: { status: 429, retryAfter: 0 } }],
        [{ error: { status: 500, retryAfter: 0 } }, { error: { status: 503, retryAfter: 0 } }],
        [{ error: { status: 429, retryAfter: 0 } }, { error: { status: 500, retryAfter: 0 } }],
      ][i % 4] as ScriptStep[];
    for (let i = 0; i < count; i++) {
      server.script(`c${i}`, [
        ...failures(i),
        {
          toolCalls: [{ name: 'lookup', arguments: { id: `${i}` } }],
          usage: { input: 10 + i, output: 1 + i },
          chunkDelayMs: i % 3,
        },
        { text: `done ${i}`, usage: { input: 100 + i, output: 2 * i + 1 }, firstChunkDelayMs: i % 5 },
      ]);
    }
    const outputs = await Promise.all(
      Array.from({ length: count }, (_, i) => {
        const agent = new Agent({
          name: `agent-${i}`,
          instructions: 'x',
          model: kinds[i % 2]![1](),
          tools: [lookup],
        });
        return execute(agent, `weather? script:c${i}`, Math.floor(i / 2) % 2 === 1);
      }),
    );
    expect(outputs).toEqual(Array.from({ length: count }, (_, i) => `done ${i}`));
    const records = await memory.waitFor(count);
    expect(records).toHaveLength(count);
    expect(toolBackend.hits).toHaveLength(count);
    const byName = new Map<string, InvocationRecord>(records.map((r) => [r.name!, r]));
    for (let i = 0; i < count; i++) {
      const record = byName.get(`agent-${i}`)!;
      const metric = toResourceMetric(record, { accountId: ACCOUNT });
      const throttles = i % 4 === 1 || i % 4 === 3 ? 1 : 0;
      const serverErrors = i % 4 === 2 ? 2 : i % 4 === 3 ? 1 : 0;
      expect(metric, `run ${i}`).toMatchObject({
        inputTokenCount: 110 + 2 * i,
        outputTokenCount: 3 * i + 2,
        modelInvocationCount: 2 + throttles + serverErrors,
        ...NO_ERRORS,
        modelInvocationThrottles: throttles,
        modelInvocationServerErrors: serverErrors,
        tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
      });
    }
  });
});

describe('instrumentRunner, client retries on: timing', () => {
  const { memory, execute } = registrations[0][1];

  it('the client’s backoff (Retry-After 0.3 s) is not model latency; the answer is timed from its own request', async () => {
    server.script('backoff', [
      { error: { status: 429, retryAfter: 0.3 } },
      { text: 'after the wait', usage: { input: 3, output: 3 }, firstChunkDelayMs: 20 },
    ]);
    const agent = new Agent({ name: 'patient', instructions: 'x', model: kinds[0][1]() });
    expect(await execute(agent, 'hi script:backoff', true)).toBe('after the wait');
    const { record, metric } = await onlyRecord(memory);
    expect(metric.modelInvocationCount).toBe(2);
    expect(metric.modelInvocationThrottles).toBe(1);
    const [throttle, answer] = record.modelCalls;
    // the wait between the 429 and the retry is ~300 ms (generous bounds on a shared machine)
    expect(answer!.startedAt - throttle!.endedAt).toBeGreaterThanOrEqual(250);
    expect(metric.totalTime).toBeGreaterThanOrEqual(250);
    expect(metric.modelLatency).toBeLessThan(metric.totalTime! - 200);
    // the first token is the answering attempt's (~20 ms after its request began); the run's ttft,
    // counted from the run's start, includes the wait the user sat through
    expect(answer!.firstTokenAt! - answer!.startedAt).toBeGreaterThanOrEqual(0);
    expect(answer!.firstTokenAt! - answer!.startedAt).toBeLessThan(200);
    expect(metric.ttft).toBeGreaterThanOrEqual(250);
  });
});

describe('instrumentRunner, client retries on, with the runner’s own retry too', () => {
  const { memory, execute } = registrations[0][1];

  it.each([false, true])(
    'every HTTP attempt once: the client’s 3 tries, then the runner’s retry (streamed: %s)',
    async (streamed) => {
      server.script('both', [
        { error: { status: 429, retryAfter: 0 } },
        { error: { status: 429, retryAfter: 0 } },
        { error: { status: 429, retryAfter: 0 } },
        { text: 'finally', usage: { input: 8, output: 2 } },
      ]);
      const agent = new Agent({
        name: 'retrying twice over',
        instructions: 'x',
        model: kinds[0][1](),
        modelSettings: {
          retry: {
            maxRetries: 1,
            policy: retryPolicies.httpStatus([429]),
            backoff: { initialDelayMs: 1, jitter: false },
          },
        },
      });
      expect(await execute(agent, 'hi script:both', streamed)).toBe('finally');
      expect(server.requests).toHaveLength(4);
      const { record, metric } = await onlyRecord(memory);
      expect(metric).toMatchObject({
        inputTokenCount: 8,
        outputTokenCount: 2,
        modelInvocationCount: 4,
        ...NO_ERRORS,
        modelInvocationThrottles: 3,
      });
      expect(record.modelCalls.map((c) => [c.attempt, c.status])).toEqual([
        [1, 429],
        [2, 429],
        [3, 429],
        [4, undefined],
      ]);
    },
  );
});

describe('with tracing on: a processor that uploads from inside the model call', () => {
  const uploads: Promise<unknown>[] = [];
  const uploading: TracingProcessor = {
    async onTraceStart() {},
    async onTraceEnd() {},
    async onSpanStart() {},
    // called inside the model call (its generation/response span ends there), after its requests
    async onSpanEnd(span: Span<any>) {
      if (span.spanData.type === 'generation' || span.spanData.type === 'response')
        uploads.push(fetch(`${traceCollector.url}/v1/traces`, { method: 'POST', body: '[]' }));
    },
    async shutdown() {},
    async forceFlush() {},
  };
  beforeAll(() => {
    setTraceProcessors([uploading]);
    setTracingDisabled(false);
  });
  afterAll(() => {
    setTracingDisabled(true);
    setTraceProcessors([]);
  });

  describe.each(registrations)('%s', (_name, { memory, execute }) => {
    it.each(kinds)('%s: its 503s are not model calls', async (_kind, makeModel: () => Model) => {
      server.script('traced', [
        { error: { status: 429, retryAfter: 0 } },
        { text: 'traced', usage: { input: 6, output: 2 } },
      ]);
      const agent = new Agent({ name: 'traced', instructions: 'x', model: makeModel() });
      expect(await execute(agent, 'hi script:traced', false)).toBe('traced');
      await Promise.all(uploads.splice(0));
      expect(traceCollector.hits).toEqual(['/v1/traces']);
      const { metric } = await onlyRecord(memory);
      expect(metric).toMatchObject({
        inputTokenCount: 6,
        outputTokenCount: 2,
        modelInvocationCount: 2,
        ...NO_ERRORS,
        modelInvocationThrottles: 1,
      });
    });
  });
});
