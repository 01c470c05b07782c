/**
 * Issue 16 "Exact by default", for both registrations (the exporter on a Mastra instance, the
 * README's first snippet, and `withMetrics`), against the testkit model server over HTTP.
 *
 * Mastra's own default is no retry (an `Agent` without `maxRetries` resolves to 0): at defaults a
 * 429 fails the run. With `maxRetries` on the Agent (Mastra's knob, p-retry with at least 1 s
 * between attempts), every attempt is one model call. Attempts come from one source only: the
 * model wrapper (Mastra's inference span covers the whole retry loop, and the core's HTTP
 * observation has no open model-call scope on these paths).
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpenAI } from '@ai-sdk/openai';
import { Agent } from '@mastra/core/agent';
import { noopLogger } from '@mastra/core/logger';
import { Mastra } from '@mastra/core/mastra';
import type { ObservabilityExporter, TracingEvent } from '@mastra/core/observability';
import { createTool } from '@mastra/core/tools';
import { Observability } from '@mastra/observability';
import { Metrics } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ScriptStep, startModelServer } from '@metrics/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MastraMetricsExporter } from './mastra-exporter.js';
import { withMetrics } from './standalone.js';
import { type ModelServer, NO_ERRORS, payload, run } from './test-helpers.js';

/** A loopback HTTP server answering every request with `status`; counts what it got. */
async function startPlainServer(status: number) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end('{}');
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
let backend: Awaited<ReturnType<typeof startPlainServer>>;
let tracing: Awaited<ReturnType<typeof startPlainServer>>;

beforeAll(async () => {
  server = await startModelServer();
  // both answer errors a model attempt would be counted by: any misattribution shows
  backend = await startPlainServer(503);
  tracing = await startPlainServer(429);
});
afterAll(async () => {
  await Promise.all([server.close(), backend.close(), tracing.close()]);
});

const upload = async (what: string) => {
  const response = await fetch(`${tracing.url}/collect/spans`, {
    method: 'POST',
    body: JSON.stringify({ what }),
  });
  await response.text();
};

/** Another observability exporter in the same process (like Langfuse's): uploads every model span as it ends. */
const tracingExporter: ObservabilityExporter = {
  name: 'uploader',
  async exportTracingEvent(event: TracingEvent) {
    const span = event.exportedSpan as { type?: string };
    if (event.type === 'span_ended' && (span.type === 'model_inference' || span.type === 'model_step'))
      await upload(span.type).catch(() => {}); // a late upload may find the endpoint closed
  },
  async flush() {},
  async shutdown() {},
};

const lookup = createTool({
  id: 'lookup',
  description: 'Looks a city up in a backend',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    // a span upload batched from inside the tool, and the tool's own request
    setTimeout(() => void upload('tool'), 1);
    const response = await fetch(`${backend.url}/lookup?city=${city}`);
    await response.text();
    return { status: response.status };
  },
});

/** A provider client that retries a 429 itself, inside one model call of Mastra's (as some clients do). */
const retryingFetch: typeof fetch = async (input, init) => {
  const first = await fetch(input, init);
  if (first.status !== 429) return first;
  await first.text();
  return fetch(input, init);
};

function agents(maxRetries: number | undefined, clientRetries = false) {
  const openai = createOpenAI({
    baseURL: server.openaiBaseUrl,
    apiKey: 'test',
    ...(clientRetries ? { fetch: retryingFetch } : {}),
  });
  const agent = new Agent({
    id: `agent${maxRetries ?? ''}${clientRetries ? 'c' : ''}`,
    name: `agent${maxRetries ?? ''}${clientRetries ? 'c' : ''}`,
    instructions: 'Be brief.',
    model: openai.chat('gpt-4o-mini') as unknown as Agent['model'],
    tools: { lookup },
    ...(maxRetries !== undefined ? { maxRetries } : {}),
  });
  agent.__setLogger(noopLogger);
  return agent;
}

type Setup = (metrics: Metrics) => { plain: Agent; retrying: Agent; selfRetrying: Agent };

const setups: [string, Setup][] = [
  [
    'exporter on a Mastra instance',
    (metrics) => {
      const mastra = new Mastra({
        agents: { plain: agents(undefined), retrying: agents(2), selfRetrying: agents(undefined, true) },
        observability: new Observability({
          configs: {
            default: {
              serviceName: 'exact',
              exporters: [new MastraMetricsExporter(metrics), tracingExporter],
            },
          },
        }),
        logger: false,
      });
      return {
        plain: mastra.getAgent('plain') as Agent,
        retrying: mastra.getAgent('retrying') as Agent,
        selfRetrying: mastra.getAgent('selfRetrying') as Agent,
      };
    },
  ],
  [
    'standalone agent (withMetrics)',
    (metrics) => ({
      plain: withMetrics(agents(undefined), metrics),
      retrying: withMetrics(agents(2), metrics),
      selfRetrying: withMetrics(agents(undefined, true), metrics),
    }),
  ],
];

describe.each(setups)('%s', (_title, setup) => {
  const records = new InMemoryExporter();
  const metrics = new Metrics({ exporters: [records], logger: false });
  let plain: Agent;
  let retrying: Agent;
  let selfRetrying: Agent;
  beforeAll(() => {
    ({ plain, retrying, selfRetrying } = setup(metrics));
  });
  beforeEach(() => {
    records.reset();
  });

  it("at Mastra's defaults (no retry) a 429 fails the run: 1 call, 1 throttle, the error counted once", async () => {
    server.script('plain-429', [{ error: { status: 429, retryAfter: 0 } }]);
    const outcome = await run(plain, 'generate', 'script:plain-429 hi');
    expect(outcome.error).toBeDefined();
    const [record] = await records.waitFor(1);
    expect(record?.outcome).toBe('error');
    expect(payload(record)).toMatchObject({
      modelInvocationCount: 1,
      ...NO_ERRORS,
      modelInvocationThrottles: 1,
    });
  });

  it("at Mastra's defaults a connection reset fails the run: 1 call, 1 server (network) error", async () => {
    server.script('plain-drop', [{ drop: true }]);
    const outcome = await run(plain, 'stream', 'script:plain-drop hi');
    expect(outcome.error).toBeDefined();
    const [record] = await records.waitFor(1);
    expect(record?.outcome).toBe('error');
    expect(payload(record)).toMatchObject({
      modelInvocationCount: 1,
      ...NO_ERRORS,
      modelInvocationServerErrors: 1,
    });
  });

  it.each(['generate', 'stream'] as const)(
    '%s: a provider client that retries a 429 inside one Mastra call: 2 calls, 1 throttle (seen on the wire)',
    async (mode) => {
      server.script(`self-${mode}`, [
        { error: { status: 429, retryAfter: 0 } },
        { text: 'Cloudy.', usage: { input: 30, output: 3 } },
      ]);
      const outcome = await run(selfRetrying, mode, `script:self-${mode} weather?`);
      expect(outcome.text).toBe('Cloudy.');
      const [record] = await records.waitFor(1);
      expect(payload(record)).toMatchObject({
        modelInvocationCount: 2,
        inputTokenCount: 30,
        outputTokenCount: 3,
        ...NO_ERRORS,
        modelInvocationThrottles: 1,
      });
      expect(record?.modelCalls.map((c) => [c.attempt, c.status ?? 'ok'])).toEqual([
        [1, 429],
        [2, 'ok'],
      ]);
      expect(record?.outcome).toBe('success');
    },
  );

  it('maxRetries 2: a 429 then success: 2 calls, 1 throttle, the (>= 1 s) backoff is not model latency', async () => {
    server.script('r-429', [
      { error: { status: 429, retryAfter: 0 } },
      { text: 'Sunny.', usage: { input: 40, output: 4 }, firstChunkDelayMs: 10 },
    ]);
    const outcome = await run(retrying, 'generate', 'script:r-429 weather?');
    expect(outcome.text).toBe('Sunny.');
    const [record] = await records.waitFor(1);
    const metric = payload(record);
    expect(metric).toMatchObject({
      modelInvocationCount: 2,
      inputTokenCount: 40,
      outputTokenCount: 4,
      ...NO_ERRORS,
      modelInvocationThrottles: 1,
    });
    expect(record?.outcome).toBe('success');
    expect(metric.totalTime).toBeGreaterThanOrEqual(900);
    expect(metric.modelLatency).toBeLessThan(700);
  });

  it('maxRetries 2: 5xx until Mastra gives up: 3 calls, 3 server errors, the failed run counted once', async () => {
    const fail = { error: { status: 500, retryAfter: 0 } } as const;
    server.script('r-500', [fail, fail, fail]);
    const outcome = await run(retrying, 'stream', 'script:r-500 hi');
    expect(outcome.error).toBeDefined();
    const [record] = await records.waitFor(1);
    expect(record?.outcome).toBe('error');
    expect(payload(record)).toMatchObject({
      modelInvocationCount: 3,
      ...NO_ERRORS,
      modelInvocationServerErrors: 3,
    });
    expect(record?.modelCalls.map((c) => c.status)).toEqual([500, 500, 500]);
  }, 15_000);

  it.each(['generate', 'stream'] as const)(
    "%s: a tool's own HTTP request (answered 503) and tracing uploads (answered 429) are not model calls",
    async (mode) => {
      const before = [backend.hits.length, tracing.hits.length];
      server.script(`tool-${mode}`, [
        { toolCalls: [{ name: 'lookup', arguments: { city: 'Oslo' } }], usage: { input: 50, output: 5 } },
        { text: 'Rainy.', usage: { input: 70, output: 7 } },
      ]);
      const outcome = await run(plain, mode, `script:tool-${mode} weather in Oslo?`);
      expect(outcome.text).toBe('Rainy.');
      const [record] = await records.waitFor(1);
      expect(backend.hits.length - before[0]!).toBe(1);
      // the upload batched from the tool lands in its own time
      for (let i = 0; i < 100 && tracing.hits.length === before[1]; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(tracing.hits.length - before[1]!).toBeGreaterThanOrEqual(1);
      const metric = payload(record);
      expect(metric).toMatchObject({
        modelInvocationCount: 2,
        inputTokenCount: 120,
        outputTokenCount: 12,
        ...NO_ERRORS,
        tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
      });
    },
  );

  it('20 concurrent runs with different retry scripts (maxRetries 2), each record exact', async () => {
    const n = 20;
    const failures = (i: number) => i % 3;
    for (let i = 0; i < n; i++)
      server.script(`c${i}`, [
        ...Array.from({ length: failures(i) }, () => ({
          error: { status: i % 2 ? 429 : 503, retryAfter: 0 },
        })),
        { text: `run ${i}`, usage: { input: 100 + i, output: 10 + i } },
      ] as ScriptStep[]);
    const outcomes = await Promise.all(
      Array.from({ length: n }, (_, i) => run(retrying, i % 2 ? 'stream' : 'generate', `script:c${i} go`)),
    );
    expect(outcomes.map((o) => o.text)).toEqual(outcomes.map((_, i) => `run ${i}`));
    const all = await records.waitFor(n);
    expect(all).toHaveLength(n);
    const seen = new Set<number>();
    for (const record of all) {
      const metric = payload(record);
      const i = (metric.inputTokenCount ?? 0) - 100;
      seen.add(i);
      expect({ run: i, ...metric }).toMatchObject({
        run: i,
        modelInvocationCount: 1 + failures(i),
        outputTokenCount: 10 + i,
        ...NO_ERRORS,
        modelInvocationThrottles: i % 2 ? failures(i) : 0,
        modelInvocationServerErrors: i % 2 ? 0 : failures(i),
      });
      expect(record.outcome).toBe('success');
    }
    expect(seen.size).toBe(n);
  }, 20_000);
});
