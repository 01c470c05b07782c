/**
 * Issue 16 "Exact by default": the README's first registration (`registerTelemetry(aiSdkTelemetry(...))`)
 * and the other registrations, with the AI SDK's own retries left at their defaults (`maxRetries`
 * 2, 2 s × 2^n backoff, `Retry-After` honoured), against the testkit model server over HTTP.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpenAI } from '@ai-sdk/openai';
import type { InvocationRecord, Metrics } from '@metrics/core';
import { type ModelServer, type ScriptStep, startModelServer } from '@metrics/testkit';
import {
  type LanguageModel,
  generateText,
  registerTelemetry,
  stepCountIs,
  streamText,
  tool,
  wrapLanguageModel,
} from 'ai';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aiSdkMiddleware, aiSdkTelemetry } from './index.js';
import { errorCounters, memoryMetrics, noErrors, payload, tick as memoryTick } from './test-support.js';

/** A loopback HTTP server answering every request with `status`; counts what it got. */
async function startPlainServer(
  status: number,
): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify({ ok: status < 400 }));
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
let toolBackend: Awaited<ReturnType<typeof startPlainServer>>;
let tracing: Awaited<ReturnType<typeof startPlainServer>>;

beforeAll(async () => {
  server = await startModelServer();
  // both answer errors a model attempt would be counted by: any misattribution shows
  toolBackend = await startPlainServer(503);
  tracing = await startPlainServer(429);
});
afterAll(async () => {
  await Promise.all([server.close(), toolBackend.close(), tracing.close()]);
});
afterEach(() => {
  globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = [];
});

const openai = () => createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' });

/** A tool that calls its own (failing) HTTP backend. */
const fetchTool = () =>
  tool({
    description: 'Looks a city up in a backend',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      const response = await fetch(`${toolBackend.url}/lookup?city=${city}`);
      await response.text();
      return `backend said ${response.status}`;
    },
  });

/** A tracing upload to another loopback endpoint (answered 429: counted, it would show as a throttle). */
const upload = async (path: string, what: string) => {
  const response = await fetch(`${tracing.url}${path}`, { method: 'POST', body: JSON.stringify({ what }) });
  await response.text();
};
/** Like a batch span processor: a timer set from inside the model call uploads to a vendor path. */
const batch = (what: string) => {
  setTimeout(() => void upload('/collect/spans', what), 5);
};
const tracingIntegration = {
  async executeLanguageModelCall<T>({ execute }: { execute: () => PromiseLike<T> }): Promise<T> {
    batch('model call');
    await upload('/collect/spans', 'model call starts'); // inline, before the model request
    return execute();
  },
  onEnd: () => upload('/collect/spans', 'end'),
};
/**
 * A middleware inside this package's one: a span batched and one uploaded inline before each
 * attempt, and one uploaded inline after it over OTLP (an upload after the answer, inside the
 * call, is told apart by its OTLP path only: see the README).
 */
const tracingMiddleware = {
  specificationVersion: 'v3' as const,
  async wrapGenerate({ doGenerate }: { doGenerate: () => PromiseLike<unknown> }) {
    batch('attempt');
    await upload('/collect/spans', 'attempt starts');
    const result = await doGenerate();
    await upload('/v1/traces', 'attempt done');
    return result;
  },
  async wrapStream({ doStream }: { doStream: () => PromiseLike<unknown> }) {
    batch('attempt');
    await upload('/collect/spans', 'attempt starts');
    const result = await doStream();
    await upload('/v1/traces', 'attempt done');
    return result;
  },
};

type Registration = 'telemetry' | 'middleware' | 'both';

/** The model and call options one registration needs; the integration is registered globally (README's first snippet). */
function register(registration: Registration, metrics: Metrics, extraMiddleware = false) {
  const base = openai().chat('gpt-4o-mini');
  const middleware = [
    ...(registration === 'telemetry' ? [] : [aiSdkMiddleware({ metrics })]),
    ...(extraMiddleware ? [tracingMiddleware] : []),
  ];
  const model: LanguageModel =
    middleware.length > 0 ? wrapLanguageModel({ model: base, middleware: middleware as never }) : base;
  if (registration !== 'middleware') registerTelemetry(aiSdkTelemetry(metrics));
  return { model, ...(registration === 'middleware' ? { telemetry: { isEnabled: false } } : {}) };
}

async function runOnce(
  registration: Registration,
  key: string,
  script: ScriptStep[],
  options: { stream?: boolean; tools?: boolean; tracing?: boolean } = {},
): Promise<{ record: InvocationRecord; error: unknown; diagnostics: string[] }> {
  const { metrics, memory, diagnostics } = memoryMetrics();
  const call = register(registration, metrics, options.tracing === true);
  if (options.tracing) registerTelemetry(tracingIntegration as never);
  server.script(key, script);
  const common = {
    ...call,
    prompt: `script:${key} weather?`,
    ...(options.tools ? { tools: { lookup: fetchTool() }, stopWhen: stepCountIs(4) } : {}),
  };
  let error: unknown;
  if (options.stream) {
    const stream = streamText({
      ...common,
      onError: ({ error: e }) => {
        error = e;
      },
    });
    await stream.consumeStream();
  } else {
    try {
      await generateText(common);
    } catch (e) {
      error = e;
    }
  }
  await memory.waitFor(1, 10_000);
  expect(memory.records).toHaveLength(1);
  expect(diagnostics.filter((d) => d.startsWith('adapter.error'))).toEqual([]);
  globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = [];
  return { record: memory.records[0]!, error, diagnostics };
}

describe("the README's first registration, AI SDK retries at their defaults", () => {
  it('429 then success with the default 2 s backoff: 2 calls, 1 throttle, the backoff is not model latency', async () => {
    const { record, error } = await runOnce('telemetry', 'd-429', [
      { error: { status: 429 } },
      { text: 'Sunny.', usage: { input: 40, output: 4 }, firstChunkDelayMs: 20 },
    ]);
    expect(error).toBeUndefined();
    const metric = payload(record);
    expect(metric).toMatchObject({
      modelInvocationCount: 2,
      inputTokenCount: 40,
      outputTokenCount: 4,
      ...noErrors,
      modelInvocationThrottles: 1,
    });
    expect(record.outcome).toBe('success');
    // the AI SDK waited ~2 s between the attempts: the run took it, the model did not
    expect(metric.totalTime).toBeGreaterThanOrEqual(1900);
    expect(metric.modelLatency).toBeLessThan(1000);
  });

  it('a connection reset then success (default backoff): 2 calls, 1 server (network) error', async () => {
    const { record, error } = await runOnce(
      'telemetry',
      'd-drop',
      [{ drop: true }, { text: 'Made it.', usage: { input: 30, output: 3 } }],
      { stream: true },
    );
    expect(error).toBeUndefined();
    const metric = payload(record);
    expect(metric).toMatchObject({
      modelInvocationCount: 2,
      inputTokenCount: 30,
      outputTokenCount: 3,
      ...noErrors,
      modelInvocationServerErrors: 1,
    });
    expect(record.outcome).toBe('success');
    expect(metric.modelLatency).toBeLessThan(1000);
  });
});

describe.each(['telemetry', 'middleware', 'both'] as const)(
  '%s, AI SDK retries at their defaults',
  (registration) => {
    const key = (name: string) => `${name}-${registration}`;

    it('5xx until the SDK gives up (maxRetries 2): 3 calls, 3 server errors, the failed run counted once', async () => {
      const fail = { error: { status: 500, retryAfter: 0 } };
      const { record, error } = await runOnce(registration, key('give-up'), [fail, fail, fail]);
      expect(error).toBeInstanceOf(Error);
      const metric = payload(record);
      expect(errorCounters(metric)).toEqual({ ...noErrors, modelInvocationServerErrors: 3 });
      expect(metric.modelInvocationCount).toBe(3);
      expect(record.outcome).toBe('error');
      expect(record.modelCalls.map((c) => [c.attempt, c.status])).toEqual([
        [1, 500],
        [2, 500],
        [3, 500],
      ]);
    });

    it('429 (Retry-After: 0) then success, streamed: 2 calls, 1 throttle', async () => {
      const { record } = await runOnce(
        registration,
        key('throttle'),
        [{ error: { status: 429, retryAfter: 0 } }, { text: 'Fine.', usage: { input: 20, output: 2 } }],
        { stream: true },
      );
      expect(payload(record)).toMatchObject({
        modelInvocationCount: 2,
        inputTokenCount: 20,
        outputTokenCount: 2,
        ...noErrors,
        modelInvocationThrottles: 1,
      });
    });

    it.each([false, true])(
      "a tool's own HTTP request (answered 503) and tracing uploads (answered 429) during the run are not model calls (streamed: %s)",
      async (stream) => {
        const hitsBefore = [toolBackend.hits.length, tracing.hits.length];
        const { record } = await runOnce(
          registration,
          key(`tool-${stream}`),
          [
            {
              toolCalls: [{ name: 'lookup', arguments: { city: 'Oslo' } }],
              usage: { input: 50, output: 5 },
              firstChunkDelayMs: 30,
            },
            { text: 'Rainy.', usage: { input: 70, output: 7 }, firstChunkDelayMs: 30 },
          ],
          { stream, tools: true, tracing: true },
        );
        expect(toolBackend.hits.length - hitsBefore[0]!).toBe(1);
        await memoryTick(20); // the last batched uploads
        // the tracing middleware uploads 3 times per attempt (6); the integration twice per model call and at the end (5)
        expect(tracing.hits.length - hitsBefore[1]!).toBe(
          { telemetry: 11, middleware: 6, both: 11 }[registration],
        );
        const metric = payload(record);
        expect(metric).toMatchObject({
          modelInvocationCount: 2,
          inputTokenCount: 120,
          outputTokenCount: 12,
          ...noErrors,
        });
        expect(metric.tools).toEqual([{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }]);
      },
    );

    it('20 concurrent runs with different retry scripts, each record exact', async () => {
      const { metrics, memory, diagnostics } = memoryMetrics();
      const call = register(registration, metrics);
      const scriptOf = (i: number): ScriptStep[] => [
        ...Array.from({ length: i % 3 }, () => ({ error: { status: i % 2 ? 429 : 503, retryAfter: 0 } })),
        { text: `run ${i}`, usage: { input: 100 + i, output: 10 + i }, firstChunkDelayMs: i % 5 },
      ];
      for (let i = 0; i < 20; i++) server.script(key(`c${i}`), scriptOf(i));
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const prompt = `script:${key(`c${i}`)} go`;
          if (i % 2) await streamText({ ...call, prompt }).consumeStream();
          else await generateText({ ...call, prompt });
        }),
      );
      await memory.waitFor(20, 10_000);
      expect(memory.records).toHaveLength(20);
      expect(diagnostics.filter((d) => d.startsWith('adapter.error'))).toEqual([]);
      const seen = new Set<number>();
      for (const record of memory.records) {
        const metric = payload(record);
        const i = (metric.inputTokenCount ?? 0) - 100;
        seen.add(i);
        const failures = i % 3;
        expect(metric).toMatchObject({
          modelInvocationCount: 1 + failures,
          outputTokenCount: 10 + i,
          ...noErrors,
          modelInvocationThrottles: i % 2 ? failures : 0,
          modelInvocationServerErrors: i % 2 ? 0 : failures,
        });
        expect(record.outcome).toBe('success');
      }
      expect(seen.size).toBe(20);
    });
  },
);
