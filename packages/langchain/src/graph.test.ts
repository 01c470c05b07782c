import type { AIMessage } from '@langchain/core/messages';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { type InvocationRecord, createResourceMetricsExporter } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type Collector, type ModelServer, startCollector, startModelServer } from '@metrics/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsCallbackHandler } from './handler.js';
import { ACCOUNT, boom, mcpTools, openai, payload, weather } from './test-helpers.js';

let server: ModelServer;
let collector: Collector;
let mcp: Awaited<ReturnType<typeof mcpTools>>;
beforeAll(async () => {
  server = await startModelServer();
  collector = await startCollector({ token: 'secret-token' });
  mcp = await mcpTools();
});
afterAll(async () => {
  await mcp.close();
  await collector.close();
  await server.close();
});

function buildGraph() {
  const tools = [weather, boom, ...mcp.tools];
  const model = openai(server);
  const bound = model.bindTools(tools);
  const summarizer = new StateGraph(MessagesAnnotation)
    .addNode('summarize', async (state) => ({ messages: [await model.invoke(state.messages)] }))
    .addEdge(START, 'summarize')
    .addEdge('summarize', END)
    .compile();
  return new StateGraph(MessagesAnnotation)
    .addNode('agent', async (state) => ({ messages: [await bound.invoke(state.messages)] }))
    .addNode('tools', new ToolNode(tools))
    .addNode('summary', summarizer)
    .addEdge(START, 'agent')
    .addConditionalEdges('agent', (state) => {
      const last = state.messages[state.messages.length - 1] as AIMessage;
      return last.tool_calls?.length ? 'tools' : 'summary';
    })
    .addEdge('tools', 'agent')
    .addEdge('summary', END)
    .compile();
}

describe('LangGraph StateGraph', () => {
  it('records a graph with a ToolNode and a sub-graph as one LANGGRAPH record with a member run', async () => {
    const exporter = new InMemoryExporter();
    const http = createResourceMetricsExporter({
      endpoint: collector.endpoint,
      accountId: ACCOUNT,
      token: 'secret-token',
    });
    const handler = new MetricsCallbackHandler({ exporters: [exporter, http], logger: false });
    server.script('graph', [
      {
        toolCalls: [
          { name: 'weather', arguments: { city: 'Rome' }, id: 'g1' },
          { name: 'lookup', arguments: { key: 'z' }, id: 'g2' },
          { name: 'boom', arguments: {}, id: 'g3' },
        ],
        usage: { input: 25, output: 15 },
      },
      { text: 'Rome is sunny.', usage: { input: 70, output: 6, cached: 20 } },
      { text: 'Summary.', usage: { input: 80, output: 4, reasoning: 2 } },
    ]);
    const graph = buildGraph();
    const result = await graph.invoke(
      { messages: [{ role: 'user', content: 'script:graph weather?' }] },
      { callbacks: [handler] },
    );
    expect(result.messages.at(-1)?.content).toBe('Summary.');
    expect(exporter.records).toHaveLength(1);
    const record = exporter.records[0] as InvocationRecord;
    expect(record.members).toHaveLength(1);
    expect(record.members[0]).toMatchObject({ memberKind: 'subgraph', parentRunId: record.runId });
    expect(record.members[0]?.modelCalls).toHaveLength(1);
    const p = payload(record);
    expect(p).toMatchObject({
      providerType: 'LANGGRAPH',
      inputTokenCount: 175,
      outputTokenCount: 25,
      modelInvocationCount: 3,
      ttft: 0,
      modelInvocationThrottles: 0,
      modelInvocationClientErrors: 0,
      modelInvocationServerErrors: 0,
      modelInvocationUnknownErrors: 0,
      invocationClientErrors: 0,
      invocationServerErrors: 0,
      guardrailHits: 0,
    });
    expect(p.tools).toEqual([
      { toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 },
      { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
    ]);
    expect(p.modelLatency).toBeLessThanOrEqual(p.totalTime as number);

    // the same record reaches the reference collector through the HTTP exporter
    await handler.metrics.flush();
    await http.shutdown();
    expect(collector.records).toHaveLength(1);
    expect(collector.records[0]).toEqual(p);
  });

  it('streams a graph (stream and streamEvents) with ttft', async () => {
    for (const drive of ['stream', 'streamEvents'] as const) {
      const exporter = new InMemoryExporter();
      const handler = new MetricsCallbackHandler({ exporters: [exporter], logger: false });
      const key = `graph-${drive}`;
      server.script(key, [
        { text: 'No tools needed.', usage: { input: 11, output: 4 }, firstChunkDelayMs: 20 },
        { text: 'Short.', usage: { input: 15, output: 2 } },
      ]);
      const input = { messages: [{ role: 'user', content: `script:${key} hi` }] };
      const graph = buildGraph();
      if (drive === 'stream') {
        for await (const _ of await graph.stream(input, { callbacks: [handler], streamMode: 'messages' })) {
          // consume
        }
      } else {
        for await (const _ of graph.streamEvents(input, { callbacks: [handler], version: 'v2' })) {
          // consume
        }
      }
      expect(exporter.records).toHaveLength(1);
      const p = payload(exporter.records[0]);
      expect(p).toMatchObject({
        providerType: 'LANGGRAPH',
        inputTokenCount: 26,
        outputTokenCount: 6,
        modelInvocationCount: 2,
      });
      expect(p.ttft).toBeGreaterThanOrEqual(15);
      expect(p.ttft).toBeLessThanOrEqual(p.totalTime as number);
    }
  });

  it('a 429 retried in the sub-graph counts in the member run: 4 model calls, 1 throttle, the backoff outside model time', async () => {
    const exporter = new InMemoryExporter();
    const handler = new MetricsCallbackHandler({ exporters: [exporter], logger: false });
    server.script('graph429', [
      {
        toolCalls: [{ name: 'weather', arguments: { city: 'Oslo' }, id: 'g429' }],
        usage: { input: 10, output: 5 },
      },
      { text: 'Oslo is sunny.', usage: { input: 20, output: 4 } },
      { error: { status: 429, retryAfter: 0 } },
      { text: 'Summary.', usage: { input: 30, output: 3 } },
    ]);
    await buildGraph().invoke(
      { messages: [{ role: 'user', content: 'script:graph429 weather?' }] },
      { callbacks: [handler] },
    );
    expect(exporter.records).toHaveLength(1);
    const record = exporter.records[0] as InvocationRecord;
    expect(record.members[0]?.modelCalls.map((c) => [c.attempt, c.status])).toEqual([
      [1, 429],
      [2, undefined],
    ]);
    expect(payload(record)).toMatchObject({
      providerType: 'LANGGRAPH',
      modelInvocationCount: 4,
      modelInvocationThrottles: 1,
      modelInvocationServerErrors: 0,
      inputTokenCount: 60,
      outputTokenCount: 12,
    });
    expect(record.summary.modelLatencyMs).toBeLessThan(record.durationMs - 900);
  });
});
