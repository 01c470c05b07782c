import type { InvocationRecord, ResourceMetric } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, type ScriptStep, startModelServer } from '@metrics/testkit';
import { createAgent } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsCallbackHandler } from './handler.js';
import { createMetricsMiddleware } from './middleware.js';
import { boom, mcpTools, openai, payload, weather } from './test-helpers.js';

let server: ModelServer;
let mcp: Awaited<ReturnType<typeof mcpTools>>;
beforeAll(async () => {
  server = await startModelServer();
  mcp = await mcpTools();
});
afterAll(async () => {
  await mcp.close();
  await server.close();
});

type Mode = 'handler' | 'middleware';
type Drive = 'invoke' | 'stream' | 'streamEvents';

async function run(
  mode: Mode,
  key: string,
  steps: ScriptStep[],
  options: { drive?: Drive; modelFields?: Record<string, unknown>; fetch?: boolean } = {},
): Promise<{ record: InvocationRecord; p: ResourceMetric; result: unknown; error: unknown }> {
  const exporter = new InMemoryExporter();
  const metricsOptions = { exporters: [exporter], logger: false as const };
  const handler = mode === 'handler' ? new MetricsCallbackHandler(metricsOptions) : undefined;
  const middleware = mode === 'middleware' ? createMetricsMiddleware(metricsOptions) : undefined;
  const fetch = options.fetch ? (handler ?? middleware)?.fetch() : undefined;
  const model = openai(server, {
    ...options.modelFields,
    ...(fetch ? { configuration: { fetch } } : {}),
  });
  const agent = createAgent({
    model,
    tools: [weather, boom, ...mcp.tools],
    ...(middleware ? { middleware: [middleware] } : {}),
  });
  server.script(key, steps);
  const input = { messages: [{ role: 'user', content: `script:${key} go` }] };
  const config = handler ? { callbacks: [handler] } : {};
  let result: unknown;
  let error: unknown;
  try {
    if (options.drive === 'stream') {
      const chunks = [];
      for await (const chunk of await agent.stream(input, { ...config, streamMode: 'messages' }))
        chunks.push(chunk);
      result = chunks;
    } else if (options.drive === 'streamEvents') {
      const events = [];
      for await (const event of agent.streamEvents(input, { ...config, version: 'v2' })) events.push(event);
      result = events;
    } else {
      result = await agent.invoke(input, config);
    }
  } catch (e) {
    error = e;
  }
  expect(exporter.records).toHaveLength(1);
  const record = exporter.records[0] as InvocationRecord;
  return { record, p: payload(record), result, error };
}

const toolLoop = (): ScriptStep[] => [
  {
    toolCalls: [
      { name: 'weather', arguments: { city: 'Paris' }, id: 'call_w1' },
      { name: 'lookup', arguments: { key: 'a' }, id: 'call_m1' },
      { name: 'boom', arguments: {}, id: 'call_b1' },
      { name: 'no_such_tool', arguments: {}, id: 'call_n1' },
      { name: 'weather', arguments: { town: 1 }, id: 'call_w2' },
    ],
    usage: { input: 50, output: 20 },
  },
  { text: 'All done.', usage: { input: 90, output: 10, cached: 40, reasoning: 4 } },
];

const noErrors = {
  modelInvocationThrottles: 0,
  modelInvocationClientErrors: 0,
  modelInvocationServerErrors: 0,
  modelInvocationUnknownErrors: 0,
  invocationClientErrors: 0,
  invocationServerErrors: 0,
};

describe.each<Mode>(['handler', 'middleware'])('createAgent with tools (%s)', (mode) => {
  it('records a multi-step tool loop with api and MCP tools, a throwing tool, an unknown tool and invalid arguments', async () => {
    const { p, record, error } = await run(mode, `loop-${mode}`, toolLoop());
    expect(error).toBeUndefined();
    expect(p).toMatchObject({
      providerType: 'LANGCHAIN',
      inputTokenCount: 140,
      outputTokenCount: 30,
      modelInvocationCount: 2,
      ttft: 0,
      guardrailHits: 0,
      ...noErrors,
    });
    expect(p.tools).toEqual([
      { toolType: 'api', toolCalls: 4, successCount: 1, failureCount: 3 },
      { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
    ]);
    expect(p.modelLatency).toBeLessThanOrEqual(p.totalTime as number);
    expect(record.summary.usage).toMatchObject({ cacheReadTokens: 40, reasoningTokens: 4 });
  });

  it('a plain answer', async () => {
    const { p } = await run(mode, `plain-${mode}`, [{ text: 'Hi!', usage: { input: 7, output: 3 } }]);
    expect(p).toMatchObject({
      inputTokenCount: 7,
      outputTokenCount: 3,
      modelInvocationCount: 1,
      ttft: 0,
      ...noErrors,
    });
    expect(p.tools).toBeUndefined();
  });

  it('a 500 fails the run and is counted once', async () => {
    const { p, record, error } = await run(
      mode,
      `e500-${mode}`,
      [{ error: { status: 500, message: 'upstream broke' } }],
      {
        modelFields: { maxRetries: 0 },
      },
    );
    // Any wrapModelCall middleware makes createAgent wrap model errors in MiddlewareError
    // (same name and message, the original on `cause`): LangChain's behaviour, not the adapter's.
    const original = mode === 'middleware' ? (error as { cause?: unknown }).cause : error;
    expect((original as { status?: number }).status).toBe(500);
    expect(record.outcome).toBe('error');
    expect(p).toMatchObject({
      ...noErrors,
      modelInvocationServerErrors: 1,
      modelInvocationCount: 1,
      inputTokenCount: 0,
    });
  });

  it('a retried 429 is one clean call by default (LangChain retries below callbacks)', async () => {
    const { p, error } = await run(
      mode,
      `e429-default-${mode}`,
      [{ error: { status: 429, retryAfter: 0 } }, { text: 'ok', usage: { input: 5, output: 2 } }],
      { modelFields: { maxRetries: 1 } },
    );
    expect(error).toBeUndefined();
    expect(p).toMatchObject({
      ...noErrors,
      modelInvocationCount: 1,
      inputTokenCount: 5,
      outputTokenCount: 2,
    });
  });

  it('with the opt-in fetch, a retried 429 counts as a throttle and an extra model invocation', async () => {
    const { p, error } = await run(
      mode,
      `e429-fetch-${mode}`,
      [{ error: { status: 429, retryAfter: 0 } }, { text: 'ok', usage: { input: 5, output: 2 } }],
      { modelFields: { maxRetries: 1 }, fetch: true },
    );
    expect(error).toBeUndefined();
    expect(p).toMatchObject({
      ...noErrors,
      modelInvocationThrottles: 1,
      modelInvocationCount: 2,
      inputTokenCount: 5,
    });
  });

  it.each<Drive>(['stream', 'streamEvents'])('streams a tool loop via %s with ttft', async (drive) => {
    const steps: ScriptStep[] = [
      {
        toolCalls: [
          { name: 'weather', arguments: { city: 'Oslo' }, id: 'call_s1' },
          { name: 'lookup', arguments: { key: 'b' }, id: 'call_s2' },
        ],
        usage: { input: 30, output: 12 },
        firstChunkDelayMs: 20,
      },
      { text: 'Streamed answer.', usage: { input: 60, output: 8, cached: 16 }, firstChunkDelayMs: 5 },
    ];
    const { p, error } = await run(mode, `stream-${drive}-${mode}`, steps, { drive });
    expect(error).toBeUndefined();
    expect(p).toMatchObject({
      inputTokenCount: 90,
      outputTokenCount: 20,
      modelInvocationCount: 2,
      ...noErrors,
    });
    expect(p.tools).toEqual([
      { toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 },
      { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
    ]);
    expect(p.ttft).toBeGreaterThanOrEqual(15);
    expect(p.ttft).toBeLessThanOrEqual(p.totalTime as number);
    expect(p.modelLatency).toBeLessThanOrEqual(p.totalTime as number);
  });
});
