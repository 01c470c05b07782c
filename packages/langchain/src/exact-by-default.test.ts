// Exact with the README's first registration and the provider client at its defaults: every HTTP
// attempt LangChain's own retries make (429s, 5xx, resets) is seen through Node's diagnostics
// channels, while a tool's requests and a tracer's uploads never count as model calls.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import type { InvocationRecord } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, type ScriptStep, startModelServer } from '@metrics/testkit';
import { createAgent } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MetricsCallbackHandler } from './handler.js';
import { createMetricsMiddleware } from './middleware.js';
import { payload } from './test-helpers.js';

let server: ModelServer;
/** A loopback service that answers every request 503: the tools' API and the tracer's collector. */
let side: Server;
let sideUrl: string;
let sideHits = 0;

beforeAll(async () => {
  server = await startModelServer();
  side = createServer((req, res) => {
    sideHits++;
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
  });
  await new Promise<void>((resolve) => side.listen(0, '127.0.0.1', resolve));
  sideUrl = `http://127.0.0.1:${(side.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => side.close(resolve));
  await server.close();
});

/** LangChain's ChatOpenAI as a user writes it: only the base URL (retries at LangChain's default, 6). */
function defaultModel(fields: Record<string, unknown> = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'sk-test-not-a-real-key',
    ...fields,
    configuration: { baseURL: server.openaiBaseUrl },
  });
}

/** A tool whose own HTTP request fails: it reports the failure in its answer, it does not throw. */
const inventory = tool(
  async ({ item }: { item: string }) => {
    const response = await fetch(`${sideUrl}/inventory/${item}`);
    return `inventory service answered ${response.status}`;
  },
  { name: 'inventory', description: 'Stock of an item', schema: z.object({ item: z.string() }) },
);

/** A tracer that uploads from inside every model call, the way batching tracers do: a timer set in the call's context. */
class UploadingTracer extends BaseCallbackHandler {
  name = 'uploading-tracer';
  uploads: Promise<unknown>[] = [];
  override handleChatModelStart(): void {
    this.uploads.push(
      new Promise((resolve) => {
        setTimeout(
          () => resolve(fetch(`${sideUrl}/traces`, { method: 'POST', body: '{}' }).catch(() => 0)),
          1,
        );
      }),
    );
  }
}

type Mode = 'handler' | 'middleware';

async function runAgent(
  mode: Mode,
  key: string,
  steps: ScriptStep[],
  options: { model?: ChatOpenAI; tracer?: UploadingTracer } = {},
): Promise<{ record: InvocationRecord; error: unknown }> {
  const exporter = new InMemoryExporter();
  // the README's first lines, nothing else
  const handler =
    mode === 'handler' ? new MetricsCallbackHandler({ exporters: [exporter], logger: false }) : undefined;
  const middleware =
    mode === 'middleware' ? createMetricsMiddleware({ exporters: [exporter], logger: false }) : undefined;
  const agent = createAgent({
    model: options.model ?? defaultModel(),
    tools: [inventory],
    ...(middleware ? { middleware: [middleware] } : {}),
  });
  server.script(key, steps);
  const callbacks = [...(handler ? [handler] : []), ...(options.tracer ? [options.tracer] : [])];
  let error: unknown;
  try {
    await agent.invoke({ messages: [{ role: 'user', content: `script:${key} go` }] }, { callbacks });
  } catch (e) {
    error = e;
  }
  await Promise.all(options.tracer?.uploads ?? []);
  expect(exporter.records).toHaveLength(1);
  return { record: exporter.records[0] as InvocationRecord, error };
}

const noErrors = {
  modelInvocationThrottles: 0,
  modelInvocationClientErrors: 0,
  modelInvocationServerErrors: 0,
  modelInvocationUnknownErrors: 0,
  invocationClientErrors: 0,
  invocationServerErrors: 0,
};

describe.each<Mode>(['handler', 'middleware'])('exact by default (%s)', (mode) => {
  it("a 429 LangChain retried: 2 model calls, 1 throttle, and LangChain's backoff is not model time", async () => {
    const { record, error } = await runAgent(mode, `d429-${mode}`, [
      { error: { status: 429, retryAfter: 0 } }, // LangChain retries a 429 only when it says when
      { text: 'ok', usage: { input: 11, output: 4 } },
    ]);
    expect(error).toBeUndefined();
    expect(payload(record)).toMatchObject({
      ...noErrors,
      modelInvocationThrottles: 1,
      modelInvocationCount: 2,
      inputTokenCount: 11,
      outputTokenCount: 4,
    });
    const [failed, answered] = record.modelCalls;
    expect([failed?.attempt, failed?.status, answered?.attempt, answered?.outcome]).toEqual([
      1,
      429,
      2,
      'success',
    ]);
    // p-retry waits at least 1 s before LangChain's first retry: outside the model calls
    expect(answered!.startedAt - failed!.endedAt).toBeGreaterThanOrEqual(900);
    expect(record.summary.modelLatencyMs).toBeLessThan(record.durationMs - 900);
  });

  it('5xx until LangChain gives up (maxRetries 1): 2 calls, 2 server errors, the run failed and counted once', async () => {
    const { record, error } = await runAgent(
      mode,
      `d503-${mode}`,
      [{ error: { status: 503 } }, { error: { status: 503 } }],
      { model: defaultModel({ maxRetries: 1 }) },
    );
    expect(error).toBeDefined();
    expect(record.outcome).toBe('error');
    expect(payload(record)).toMatchObject({
      ...noErrors,
      modelInvocationServerErrors: 2,
      modelInvocationCount: 2,
    });
  });

  it('a connection reset LangChain retried: a server error, then the answer', async () => {
    const { record, error } = await runAgent(mode, `dreset-${mode}`, [
      { drop: true },
      { text: 'ok', usage: { input: 6, output: 2 } },
    ]);
    expect(error).toBeUndefined();
    expect(payload(record)).toMatchObject({
      ...noErrors,
      modelInvocationServerErrors: 1,
      modelInvocationCount: 2,
      inputTokenCount: 6,
      outputTokenCount: 2,
    });
  });

  it("a tool's own failing request and a tracer's failing upload are not model calls", async () => {
    const before = sideHits;
    const tracer = new UploadingTracer();
    const { record, error } = await runAgent(
      mode,
      `dside-${mode}`,
      [
        {
          toolCalls: [{ name: 'inventory', arguments: { item: 'bolt' }, id: 'call_inv1' }],
          usage: { input: 20, output: 5 },
        },
        { text: 'none left', usage: { input: 30, output: 3 } },
      ],
      { tracer },
    );
    expect(error).toBeUndefined();
    expect(sideHits - before).toBe(3); // one tool request, two uploads: all answered 503
    expect(payload(record)).toMatchObject({
      ...noErrors,
      modelInvocationCount: 2,
      inputTokenCount: 50,
      outputTokenCount: 8,
      tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
    });
  });

  it('20 concurrent runs with different retry scripts: each record exact', async () => {
    const exporter = new InMemoryExporter();
    const handler =
      mode === 'handler' ? new MetricsCallbackHandler({ exporters: [exporter], logger: false }) : undefined;
    const middleware =
      mode === 'middleware' ? createMetricsMiddleware({ exporters: [exporter], logger: false }) : undefined;
    const agent = createAgent({
      model: defaultModel(),
      tools: [inventory],
      ...(middleware ? { middleware: [middleware] } : {}),
    });
    const runs = Array.from({ length: 20 }, (_, i) => ({
      key: `dconc-${mode}-${i}`,
      throttles: i % 2,
      resets: i % 5 === 0 ? 1 : 0,
      input: 100 + i,
    }));
    for (const run of runs)
      server.script(run.key, [
        ...Array.from(
          { length: run.throttles },
          () => ({ error: { status: 429, retryAfter: 0 } }) as ScriptStep,
        ),
        ...Array.from({ length: run.resets }, () => ({ drop: true }) as ScriptStep),
        { text: `answer ${run.key}`, usage: { input: run.input, output: 7 } },
      ]);
    await Promise.all(
      runs.map((run) =>
        agent.invoke(
          { messages: [{ role: 'user', content: `script:${run.key} go` }] },
          handler ? { callbacks: [handler] } : {},
        ),
      ),
    );
    expect(exporter.records).toHaveLength(20);
    const byInput = new Map(exporter.records.map((r) => [r.summary.usage?.inputTokens, r]));
    for (const run of runs) {
      const record = byInput.get(run.input);
      expect(record, run.key).toBeDefined();
      expect(payload(record)).toMatchObject({
        ...noErrors,
        modelInvocationCount: 1 + run.throttles + run.resets,
        modelInvocationThrottles: run.throttles,
        modelInvocationServerErrors: run.resets,
        inputTokenCount: run.input,
        outputTokenCount: 7,
      });
    }
  }, 20_000); // a run with a 429 and a reset waits out two of LangChain's backoffs (1-2 s, then 2-4 s)
});
