import type { InvocationRecord } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { createAgent } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsCallbackHandler } from './handler.js';
import { createMetricsMiddleware } from './middleware.js';
import { boom, openai, payload, weather } from './test-helpers.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});

const RUNS = 20;

/** Run i: (i % 3) tool calls (weather; every third run also a failing boom), then an answer. */
function script(key: string, i: number) {
  const toolCalls = Array.from({ length: i % 3 }, (_, j) => ({
    name: 'weather',
    arguments: { city: `C${i}-${j}` },
    id: `${key}-t${j}`,
  }));
  if (i % 4 === 0) toolCalls.push({ name: 'boom', arguments: {} as { city: string }, id: `${key}-boom` });
  const steps = [];
  if (toolCalls.length > 0)
    steps.push({ toolCalls, usage: { input: 100 + i, output: 10 + i }, chunkDelayMs: i % 5 });
  steps.push({
    text: `answer ${i}`,
    usage: { input: 200 + i * 3, output: 20 + i, cached: i },
    chunkDelayMs: (i * 7) % 5,
  });
  server.script(key, steps);
  const apiCalls = toolCalls.length;
  return {
    input: (toolCalls.length > 0 ? 100 + i : 0) + 200 + i * 3,
    output: (toolCalls.length > 0 ? 10 + i : 0) + 20 + i,
    calls: toolCalls.length > 0 ? 2 : 1,
    tools:
      apiCalls === 0
        ? undefined
        : [{ toolType: 'api', toolCalls: apiCalls, successCount: i % 3, failureCount: i % 4 === 0 ? 1 : 0 }],
  };
}

describe.each(['handler', 'middleware'] as const)('%s shared by concurrent runs', (mode) => {
  it(`keeps ${RUNS} concurrent runs apart, invoked and streamed`, async () => {
    const exporter = new InMemoryExporter();
    const options = { exporters: [exporter], logger: false as const };
    const handler = mode === 'handler' ? new MetricsCallbackHandler(options) : undefined;
    const middleware = mode === 'middleware' ? createMetricsMiddleware(options) : undefined;
    const agent = createAgent({
      model: openai(server),
      tools: [weather, boom],
      ...(middleware ? { middleware: [middleware] } : {}),
    });
    const config = handler ? { callbacks: [handler] } : {};
    const expected = new Map<string, ReturnType<typeof script>>();
    const runs = Array.from({ length: RUNS }, async (_, i) => {
      const key = `conc-${mode}-${i}`;
      expected.set(`answer ${i}`, script(key, i));
      const input = { messages: [{ role: 'user', content: `script:${key} go` }] };
      if (i % 2 === 0) return agent.invoke(input, config);
      for await (const _ of await agent.stream(input, { ...config, streamMode: 'messages' })) {
        // consume
      }
    });
    await Promise.all(runs);
    expect(exporter.records).toHaveLength(RUNS);
    const seen = new Set<number>();
    for (const record of exporter.records as InvocationRecord[]) {
      const p = payload(record);
      // identify the run by its input tokens (unique per i)
      const i = [...Array(RUNS).keys()].find((n) => {
        const e = expected.get(`answer ${n}`);
        return e?.input === p.inputTokenCount;
      });
      expect(i).toBeDefined();
      seen.add(i as number);
      const e = expected.get(`answer ${i}`);
      expect(p).toMatchObject({
        inputTokenCount: e?.input,
        outputTokenCount: e?.output,
        modelInvocationCount: e?.calls,
        modelInvocationServerErrors: 0,
        modelInvocationThrottles: 0,
      });
      expect(p.tools).toEqual(e?.tools);
      expect((i as number) % 2 === 1 ? (p.ttft as number) > 0 : p.ttft === 0).toBe(true);
      expect(record.summary.usage?.cacheReadTokens).toBe(i);
    }
    expect(seen.size).toBe(RUNS);
    if (handler) expect(handler.tree.openInvocations).toBe(0);
  });

  it('ties each retried HTTP attempt to its own run with the opt-in fetch', async () => {
    const exporter = new InMemoryExporter();
    const options = { exporters: [exporter], logger: false as const };
    const handler = mode === 'handler' ? new MetricsCallbackHandler(options) : undefined;
    const middleware = mode === 'middleware' ? createMetricsMiddleware(options) : undefined;
    const fetch = (handler ?? middleware)?.fetch();
    const agent = createAgent({
      model: openai(server, { maxRetries: 1, configuration: { fetch } }),
      tools: [weather],
      ...(middleware ? { middleware: [middleware] } : {}),
    });
    const N = 6;
    await Promise.all(
      Array.from({ length: N }, (_, i) => {
        const key = `conc-fetch-${mode}-${i}`;
        // even runs are throttled once, odd runs are not
        server.script(key, [
          ...(i % 2 === 0 ? [{ error: { status: 429, retryAfter: 0 } }] : []),
          { text: `r${i}`, usage: { input: 1000 + i, output: 1 } },
        ]);
        return agent.invoke(
          { messages: [{ role: 'user', content: `script:${key} go` }] },
          handler ? { callbacks: [handler] } : {},
        );
      }),
    );
    expect(exporter.records).toHaveLength(N);
    for (const record of exporter.records) {
      const p = payload(record);
      const i = (p.inputTokenCount as number) - 1000;
      expect(p).toMatchObject({
        modelInvocationThrottles: i % 2 === 0 ? 1 : 0,
        modelInvocationCount: i % 2 === 0 ? 2 : 1,
      });
    }
  });
});
