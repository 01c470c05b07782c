import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimpleChatEngine } from '@llamaindex/core/chat-engine';
import { Settings } from '@llamaindex/core/global';
import { tool } from '@llamaindex/core/tools';
import { OpenAI } from '@llamaindex/openai';
import { agent } from '@llamaindex/workflow';
import { type InvocationRecord, toResourceMetric } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { llamaindexMetrics } from './index.js';
import { ACCOUNT, add, expectPayload, payload } from './test-helpers.js';

/**
 * The README's first registration, nothing more: `llamaindexMetrics({ exporters })` and
 * `metrics.instrument(agent({ llm, tools }))`, with an `@llamaindex/openai` LLM left at its defaults
 * (its `openai` client retries 10 times), against the testkit's model server over HTTP. Every
 * HTTP attempt is one model call, seen by the core on the wire.
 */

/** `@llamaindex/openai`'s default `maxRetries`: a call the client gives up on made this many + 1 requests. */
const DEFAULT_RETRIES = 10;
/** Tag of the failures LlamaIndex leaves unhandled inside `agent()` (see vitest.config.ts). */
const UNHANDLED = 'llamaindex-unhandled';

let server: ModelServer;
/** A loopback service that answers 500 to everything: a tool's backend, or a tracing collector. */
let failing: { server: Server; url: string; hits: number };

beforeAll(async () => {
  server = await startModelServer();
  const hits = { count: 0 };
  const http = createServer((request, response) => {
    hits.count++;
    request.resume();
    request.on('end', () => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end('{"error":"down"}');
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  failing = {
    server: http,
    url: `http://127.0.0.1:${port}`,
    get hits() {
      return hits.count;
    },
  };
});

afterAll(async () => {
  await server.close();
  failing.server.closeAllConnections();
  await new Promise((resolve) => failing.server.close(resolve));
});

/** The README's LLM: only what the testkit needs (base URL, a dummy key) added. */
function readmeLLM() {
  return new OpenAI({
    model: 'gpt-4o-mini',
    baseURL: server.openaiBaseUrl,
    apiKey: 'test',
    additionalChatOptions: { stream_options: { include_usage: true } },
  });
}

function readmeMetrics(options: { deadlineMs?: number } = {}) {
  const exporter = new InMemoryExporter();
  const metrics = llamaindexMetrics({ exporters: [exporter], logger: false, ...options });
  return { exporter, metrics };
}

function requestsOf(key: string) {
  return server.requests.filter((r) => r.scriptKey === key);
}

function outcomes(record: InvocationRecord | undefined) {
  return record?.modelCalls.map((c) => [c.outcome, c.status ?? c.error?.category ?? null]);
}

describe('the README registration, client retries on (agent workflow)', () => {
  it('429 then success: 2 model calls, 1 throttle; the backoff is not model time, ttft from the attempt that answered', async () => {
    const { exporter, metrics } = readmeMetrics();
    const myAgent = metrics.instrument(agent({ llm: readmeLLM(), tools: [add] }));
    server.script('bo429', [
      { error: { status: 429, message: 'slow down', retryAfter: 0.3 } },
      { text: 'Done after a retry.', usage: { input: 33, output: 4 }, firstChunkDelayMs: 20 },
    ]);
    const result = await myAgent.run('script:bo429 hi');
    expect(result.data.result).toBe('Done after a retry.');
    const [record] = await exporter.waitFor(1);
    const metric = payload(record);
    expectPayload(metric, {
      input: 33,
      output: 4,
      calls: 2,
      streamed: true,
      errors: { modelInvocationThrottles: 1 },
    });
    expect(requestsOf('bo429')).toHaveLength(2);
    expect(record?.outcome).toBe('success');
    expect(outcomes(record)).toEqual([
      ['error', 429],
      ['success', null],
    ]);
    const [failed, answered] = record?.modelCalls ?? [];
    // the client waited Retry-After (300 ms) between the attempts: not model time
    const backoff = (answered?.startedAt ?? 0) - (failed?.endedAt ?? 0);
    expect(backoff).toBeGreaterThanOrEqual(250);
    expect(metric.totalTime as number).toBeGreaterThanOrEqual(300);
    expect(metric.modelLatency as number).toBeLessThan((metric.totalTime as number) - 250);
    // the answered attempt's first token came ~20 ms after its own request, not after the 429
    const ttftOfAttempt = (answered?.firstTokenAt ?? 0) - (answered?.startedAt ?? 0);
    expect(ttftOfAttempt).toBeGreaterThanOrEqual(15);
    expect(ttftOfAttempt).toBeLessThan(250);
  });

  it(`5xx until the client gives up: ${DEFAULT_RETRIES + 1} model calls, ${DEFAULT_RETRIES + 1} server errors, a failed run, the run error not counted again`, async () => {
    const { exporter, metrics } = readmeMetrics({ deadlineMs: 2_000 });
    const myAgent = metrics.instrument(agent({ llm: readmeLLM(), tools: [add] }));
    server.script(
      'giveup',
      Array.from({ length: DEFAULT_RETRIES + 1 }, (_, i) => ({
        error: { status: i % 2 === 0 ? 500 : 503, message: `down ${UNHANDLED}`, retryAfter: 0.01 },
      })),
    );
    // LlamaIndex never settles an agent run whose model call failed: the deadline ends the record
    void myAgent.run('script:giveup hi').catch(() => {});
    const [record] = await exporter.waitFor(1, 10_000);
    expect(requestsOf('giveup')).toHaveLength(DEFAULT_RETRIES + 1);
    expect(server.pending().giveup).toBeUndefined();
    expectPayload(payload(record), {
      input: 0,
      output: 0,
      calls: DEFAULT_RETRIES + 1,
      streamed: false,
      errors: { modelInvocationServerErrors: DEFAULT_RETRIES + 1 },
    });
    expect(record?.outcome).toBe('error');
    expect(record?.error?.status).toBe(500);
    expect(record?.errors).toEqual([]);
    expect(record?.modelCalls.map((c) => c.status)).toEqual(
      Array.from({ length: DEFAULT_RETRIES + 1 }, (_, i) => (i % 2 === 0 ? 500 : 503)),
    );
  });

  it('a connection reset, then success: 2 model calls, 1 server error, a successful run', async () => {
    const { exporter, metrics } = readmeMetrics();
    const myAgent = metrics.instrument(agent({ llm: readmeLLM(), tools: [add] }));
    server.script('reset', [{ drop: true }, { text: 'Back again.', usage: { input: 21, output: 3 } }]);
    const result = await myAgent.run('script:reset hi');
    expect(result.data.result).toBe('Back again.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 21,
      output: 3,
      calls: 2,
      streamed: true,
      errors: { modelInvocationServerErrors: 1 },
    });
    expect(requestsOf('reset')).toHaveLength(2);
    expect(record?.outcome).toBe('success');
    expect(record?.modelCalls[0]?.outcome).toBe('error');
    expect(record?.modelCalls[0]?.status).toBeUndefined();
  });

  it("a tool's own HTTP request (a loopback service answering 500) is not a model call", async () => {
    const { exporter, metrics } = readmeMetrics();
    const lookup = tool({
      name: 'lookup',
      description: 'Asks a backend service',
      parameters: z.object({ q: z.string() }),
      execute: async ({ q }) => {
        const response = await fetch(`${failing.url}/lookup?q=${q}`);
        await response.text();
        return `backend said ${response.status}`;
      },
    });
    const myAgent = metrics.instrument(agent({ llm: readmeLLM(), tools: [lookup] }));
    const before = failing.hits;
    server.script('toolhttp', [
      { toolCalls: [{ name: 'lookup', arguments: { q: 'x' }, id: 't1' }], usage: { input: 50, output: 8 } },
      { text: 'The backend is down.', usage: { input: 70, output: 5 } },
    ]);
    const result = await myAgent.run('script:toolhttp hi');
    expect(result.data.result).toBe('The backend is down.');
    expect(failing.hits - before).toBe(1);
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 120,
      output: 13,
      calls: 2,
      streamed: true,
      tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
    });
  });

  it('tracing uploads during the run (scheduled from a tool, and from an llm-start handler) are not model calls', async () => {
    const { exporter, metrics } = readmeMetrics();
    const uploads: Array<Promise<unknown>> = [];
    const upload = () => {
      uploads.push(fetch(`${failing.url}/v1/traces`, { method: 'POST', body: '{}' }).then((r) => r.text()));
    };
    // a tracer that ships a span on every llm-start, from inside the model call's async context
    const onStart = () => upload();
    Settings.callbackManager.on('llm-start', onStart);
    try {
      const step = tool({
        name: 'step',
        description: 'Does a step',
        parameters: z.object({}),
        execute: () => {
          // a batch timer set inside the tool fires while the next model call is open
          setTimeout(upload, 30);
          return 'stepped';
        },
      });
      const myAgent = metrics.instrument(agent({ llm: readmeLLM(), tools: [step] }));
      const before = failing.hits;
      server.script('tracing', [
        { toolCalls: [{ name: 'step', arguments: {}, id: 's1' }], usage: { input: 40, output: 6 } },
        { error: { status: 429, message: 'slow down', retryAfter: 0.01 } },
        { text: 'Traced.', usage: { input: 60, output: 2 }, firstChunkDelayMs: 150 },
      ]);
      const result = await myAgent.run('script:tracing hi');
      expect(result.data.result).toBe('Traced.');
      await Promise.all(uploads);
      expect(uploads).toHaveLength(3);
      expect(failing.hits - before).toBe(3);
      const [record] = await exporter.waitFor(1);
      expectPayload(payload(record), {
        input: 100,
        output: 8,
        calls: 3,
        streamed: true,
        tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
        errors: { modelInvocationThrottles: 1 },
      });
      expect(outcomes(record)).toEqual([
        ['success', null],
        ['error', 429],
        ['success', null],
      ]);
    } finally {
      Settings.callbackManager.off('llm-start', onStart);
    }
  });

  it('20 concurrent runs of one agent with different retry scripts: each record exact', async () => {
    const { exporter, metrics } = readmeMetrics();
    const myAgent = metrics.instrument(agent({ llm: readmeLLM(), tools: [add] }));
    const runs = Array.from({ length: 20 }, (_, i) => {
      const key = `conc${i}`;
      const kind = i % 4;
      const input = 100 + i; // tells the records apart
      const failures =
        kind === 0
          ? [{ error: { status: 429, retryAfter: 0.01 } }, { error: { status: 429, retryAfter: 0.01 } }]
          : kind === 1
            ? [{ error: { status: 502, retryAfter: 0.01 } }]
            : kind === 2
              ? [{ drop: true as const }]
              : [];
      const steps = [
        ...failures,
        {
          toolCalls: [{ name: 'add', arguments: { a: i, b: 1 }, id: `c${i}` }],
          usage: { input, output: 5 },
          chunkDelayMs: 1 + (i % 3),
        },
        ...(kind === 0 ? [{ error: { status: 429, retryAfter: 0.01 } }] : []),
        { text: `Result ${i + 1}.`, usage: { input: 1000 + input, output: 7 } },
      ];
      server.script(key, steps);
      const expected = {
        input: 1000 + 2 * input,
        calls: steps.length,
        throttles: kind === 0 ? 3 : 0,
        serverErrors: kind === 1 || kind === 2 ? 1 : 0,
      };
      return { key, expected, i };
    });
    const results = await Promise.all(runs.map(({ key }) => myAgent.run(`script:${key} add`)));
    expect(results.map((result) => result.data.result)).toEqual(runs.map(({ i }) => `Result ${i + 1}.`));
    const records = await exporter.waitFor(20);
    expect(records).toHaveLength(20);
    const byInput = new Map(
      records.map((r) => [toResourceMetric(r, { accountId: ACCOUNT }).inputTokenCount, r] as const),
    );
    for (const { expected, key } of runs) {
      const record = byInput.get(expected.input);
      expect(record, key).toBeDefined();
      expectPayload(payload(record), {
        input: expected.input,
        output: 12,
        calls: expected.calls,
        streamed: true,
        tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
        errors: {
          modelInvocationThrottles: expected.throttles,
          modelInvocationServerErrors: expected.serverErrors,
        },
      });
      expect(requestsOf(key)).toHaveLength(expected.calls);
    }
    expect(server.exhausted).toEqual([]);
  });
});

describe('metrics.run(fn), client retries on (a chat engine whose LLM the adapter never wrapped)', () => {
  function engine() {
    // not instrumented, not Settings.llm: only LlamaIndex's llm-* events and the core's wire view
    return new SimpleChatEngine({ llm: readmeLLM() });
  }

  it('429 then success, not streamed: 2 model calls, 1 throttle, the backoff outside model latency', async () => {
    const { exporter, metrics } = readmeMetrics();
    server.script('run429', [
      { error: { status: 429, message: 'slow down', retryAfter: 0.3 } },
      { text: 'Fine now.', usage: { input: 30, output: 3 } },
    ]);
    const answer = await metrics.run(() => engine().chat({ message: 'script:run429 hi' }));
    expect(answer.message.content).toBe('Fine now.');
    const [record] = await exporter.waitFor(1);
    const metric = payload(record);
    expectPayload(metric, {
      input: 30,
      output: 3,
      calls: 2,
      streamed: false,
      errors: { modelInvocationThrottles: 1 },
    });
    expect(record?.outcome).toBe('success');
    expect(metric.totalTime as number).toBeGreaterThanOrEqual(300);
    expect(metric.modelLatency as number).toBeLessThan((metric.totalTime as number) - 250);
  });

  it('streamed: a 503 then success, 2 model calls, 1 server error, ttft from the attempt that answered', async () => {
    const { exporter, metrics } = readmeMetrics();
    server.script('runstream', [
      { error: { status: 503, message: 'overloaded', retryAfter: 0.3 } },
      { text: 'one two three', usage: { input: 25, output: 3 }, firstChunkDelayMs: 20, chunkDelayMs: 5 },
    ]);
    const stream = await metrics.run(() =>
      engine().chat({ message: 'script:runstream count', stream: true }),
    );
    let text = '';
    for await (const chunk of stream) text += chunk.delta;
    expect(text).toBe('one two three');
    const [record] = await exporter.waitFor(1);
    const metric = payload(record);
    expectPayload(metric, {
      input: 25,
      output: 3,
      calls: 2,
      streamed: true,
      errors: { modelInvocationServerErrors: 1 },
    });
    const answered = record?.modelCalls[1];
    expect(answered?.outcome).toBe('success');
    const ttftOfAttempt = (answered?.firstTokenAt ?? 0) - (answered?.startedAt ?? 0);
    expect(ttftOfAttempt).toBeGreaterThanOrEqual(15);
    expect(ttftOfAttempt).toBeLessThan(250);
    expect(metric.modelLatency as number).toBeLessThan((metric.totalTime as number) - 250);
  });

  it(`5xx until the client gives up: ${DEFAULT_RETRIES + 1} calls and server errors, the error reaches the caller and is counted once`, async () => {
    const { exporter, metrics } = readmeMetrics();
    server.script(
      'rungiveup',
      Array.from({ length: DEFAULT_RETRIES + 1 }, () => ({
        error: { status: 500, message: 'down', retryAfter: 0.01 },
      })),
    );
    const error = await metrics
      .run(() => engine().chat({ message: 'script:rungiveup hi' }))
      .catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(500);
    const [record] = await exporter.waitFor(1);
    expect(requestsOf('rungiveup')).toHaveLength(DEFAULT_RETRIES + 1);
    expectPayload(payload(record), {
      input: 0,
      output: 0,
      calls: DEFAULT_RETRIES + 1,
      streamed: false,
      errors: { modelInvocationServerErrors: DEFAULT_RETRIES + 1 },
    });
    expect(record?.outcome).toBe('error');
    expect(record?.errors).toEqual([]);
  });

  it('a connection reset, then success: 2 model calls, 1 server error', async () => {
    const { exporter, metrics } = readmeMetrics();
    server.script('runreset', [{ drop: true }, { text: 'Back.', usage: { input: 12, output: 1 } }]);
    const answer = await metrics.run(() => engine().chat({ message: 'script:runreset hi' }));
    expect(answer.message.content).toBe('Back.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 12,
      output: 1,
      calls: 2,
      streamed: false,
      errors: { modelInvocationServerErrors: 1 },
    });
  });
});

describe('where the core cannot see the wire', () => {
  it("a user's fetch that answers without a request (as on an edge runtime): the adapter's fetch hook notes that attempt, the one the core saw is not noted twice", async () => {
    const { exporter, metrics } = readmeMetrics();
    let calls = 0;
    // answers the first attempt itself (no undici request for the core to see), then really fetches
    const userFetch = (input: string | URL | Request, init?: RequestInit) => {
      calls++;
      if (calls === 1)
        return Promise.resolve(
          new Response('{"error":{"message":"slow down","type":"rate_limit"}}', {
            status: 429,
            headers: { 'content-type': 'application/json', 'retry-after': '0.01' },
          }),
        );
      return fetch(input, init);
    };
    const llm = new OpenAI({
      model: 'gpt-4o-mini',
      baseURL: server.openaiBaseUrl,
      apiKey: 'test',
      additionalChatOptions: { stream_options: { include_usage: true } },
      additionalSessionOptions: { fetch: userFetch },
    });
    const myAgent = metrics.instrument(agent({ llm, tools: [add] }));
    server.script('edge', [
      { error: { status: 429, message: 'still slow', retryAfter: 0.01 } },
      { text: 'Seen.', usage: { input: 15, output: 2 } },
    ]);
    const result = await myAgent.run('script:edge hi');
    expect(result.data.result).toBe('Seen.');
    expect(calls).toBe(3);
    expect(requestsOf('edge')).toHaveLength(2);
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 15,
      output: 2,
      calls: 3,
      streamed: true,
      errors: { modelInvocationThrottles: 2 },
    });
    expect(outcomes(record)).toEqual([
      ['error', 429],
      ['error', 429],
      ['success', null],
    ]);
  });
});
