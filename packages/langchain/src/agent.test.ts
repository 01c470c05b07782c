import type { InvocationRecord, ResourceMetric, ToolTypeOverride } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, type ScriptStep, startModelServer } from '@metrics/testkit';
import { createAgent, toolStrategy } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
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
  options: {
    responseFormat?: unknown;
    drive?: Drive;
    modelFields?: Record<string, unknown>;
    fetch?: boolean;
    toolTypes?: ToolTypeOverride;
  } = {},
): Promise<{ record: InvocationRecord; p: ResourceMetric; result: unknown; error: unknown }> {
  const exporter = new InMemoryExporter();
  const metricsOptions = {
    exporters: [exporter],
    logger: false as const,
    ...(options.toolTypes ? { toolTypes: options.toolTypes } : {}),
  };
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
    ...(options.responseFormat ? { responseFormat: options.responseFormat as any } : {}),
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

  it.each<[string, ToolTypeOverride]>([
    ['a name → type map', { weather: 'mcp', lookup: 'api' }],
    ['a predicate', ({ name }) => (name === 'weather' ? 'mcp' : name === 'lookup' ? 'api' : undefined)],
  ])('the user overrides tool types with %s', async (_, toolTypes) => {
    const { p } = await run(mode, `override-${mode}-${typeof toolTypes}`, toolLoop(), { toolTypes });
    expect(p.tools).toEqual([
      { toolType: 'api', toolCalls: 3, successCount: 1, failureCount: 2 },
      { toolType: 'mcp', toolCalls: 2, successCount: 1, failureCount: 1 },
    ]);
  });

  it('a response with only an unknown tool call is not the end of the run', async () => {
    const { p, error } = await run(mode, `only-unknown-${mode}`, [
      { toolCalls: [{ name: 'not_a_tool', arguments: {}, id: 'u1' }], usage: { input: 3, output: 1 } },
      { text: 'ok', usage: { input: 6, output: 2 } },
    ]);
    expect(error).toBeUndefined();
    expect(p).toMatchObject({
      modelInvocationCount: 2,
      inputTokenCount: 9,
      outputTokenCount: 3,
      ...noErrors,
    });
    expect(p.tools).toEqual([{ toolType: 'api', toolCalls: 1, successCount: 0, failureCount: 1 }]);
  });

  it('structured output (tool strategy) ends the run with its answer', async () => {
    const { p, result, error } = await run(
      mode,
      `structured-${mode}`,
      [
        {
          toolCalls: [{ name: 'weather', arguments: { city: 'Nice' }, id: 's1' }],
          usage: { input: 4, output: 2 },
        },
        {
          toolCalls: [{ name: 'Answer', arguments: { answer: '42' }, id: 's2' }],
          usage: { input: 8, output: 3 },
        },
      ],
      { responseFormat: toolStrategy(z.object({ answer: z.string() }).meta({ title: 'Answer' })) },
    );
    expect(error).toBeUndefined();
    expect((result as { structuredResponse?: unknown }).structuredResponse).toEqual({ answer: '42' });
    expect(p).toMatchObject({
      modelInvocationCount: 2,
      inputTokenCount: 12,
      outputTokenCount: 5,
      ...noErrors,
    });
    expect(p.tools).toEqual([{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }]);
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

  it('a 400 is not retried and counts as a model client error', async () => {
    const { p, error } = await run(mode, `e400-${mode}`, [
      { error: { status: 400, message: 'bad request' } },
    ]);
    expect(error).toBeDefined();
    expect(p).toMatchObject({ ...noErrors, modelInvocationClientErrors: 1, modelInvocationCount: 1 });
  });

  it('a dropped connection fails the run and counts as a model server error', async () => {
    const { p, error } = await run(mode, `drop-${mode}`, [{ drop: true }], {
      modelFields: { maxRetries: 0 },
    });
    expect(error).toBeDefined();
    expect(p).toMatchObject({ ...noErrors, modelInvocationServerErrors: 1, modelInvocationCount: 1 });
  });

  it('a 429 LangChain retried below its callbacks counts as a throttle and an extra model invocation', async () => {
    const { p, error } = await run(
      mode,
      `e429-default-${mode}`,
      [{ error: { status: 429, retryAfter: 0 } }, { text: 'ok', usage: { input: 5, output: 2 } }],
      { modelFields: { maxRetries: 1 } },
    );
    expect(error).toBeUndefined();
    expect(p).toMatchObject({
      ...noErrors,
      modelInvocationThrottles: 1,
      modelInvocationCount: 2,
      inputTokenCount: 5,
      outputTokenCount: 2,
    });
  });

  it('the deprecated opt-in fetch still works and counts each attempt once', async () => {
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
