import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AIMessage } from '@langchain/core/messages';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import type { InvocationExporter, InvocationRecord } from '@metrics/core';
import { createAgent } from 'langchain';
import { describe, expect, it } from 'vitest';
import { MetricsCallbackHandler } from './handler.js';
import { createMetricsMiddleware } from './middleware.js';
import { ScriptedChatModel } from './scripted-chat-model.js';
import { payload, weather } from './test-helpers.js';

/**
 * A batch job's burst: RUNS concurrent invocations in one process, each 2 model calls of 5 ms and
 * 1 tool call. Every record must be exact, and the heap must come back near where it was before
 * the burst. The model is a scripted LangChain chat model in the process: 10,000 real HTTP
 * requests per path took 35-57 s each on the 2-core machine (`concurrency.test.ts` covers the
 * same agent over real HTTP).
 */
const RUNS = Number(process.env.BURST_RUNS ?? 5000);
const BASE = 100_000;
const WARM_UP = 20;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Checks each record as it arrives and keeps only the tally (the heap measure must not hold records). */
class CheckingExporter implements InvocationExporter {
  readonly seen = new Map<number, number>();
  wrong: string[] = [];
  export(record: InvocationRecord): void {
    const p = payload(record);
    const i = (p.inputTokenCount as number) / 2 - BASE;
    this.seen.set(i, (this.seen.get(i) ?? 0) + 1);
    const tools = p.tools as { toolCalls: number; successCount: number }[] | undefined;
    if (
      !Number.isInteger(i) ||
      p.outputTokenCount !== 3 ||
      p.modelInvocationCount !== 2 ||
      tools?.length !== 1 ||
      tools[0]?.toolCalls !== 1 ||
      tools[0]?.successCount !== 1
    )
      if (this.wrong.length < 5) this.wrong.push(JSON.stringify(p));
  }
}

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

function graphWith(model: ScriptedChatModel) {
  const bound = model.bindTools();
  return new StateGraph(MessagesAnnotation)
    .addNode('agent', async (state) => ({ messages: [await bound.invoke(state.messages)] }))
    .addNode('tools', new ToolNode([weather]))
    .addEdge(START, 'agent')
    .addConditionalEdges('agent', (state) =>
      (state.messages[state.messages.length - 1] as AIMessage).tool_calls?.length ? 'tools' : END,
    )
    .addEdge('tools', 'agent')
    .compile();
}

type Path = 'shared handler' | 'middleware' | 'LangGraph handler';

function setUp(path: Path, exporter: CheckingExporter) {
  const options = { exporters: [exporter], logger: false as const };
  const model = new ScriptedChatModel(BASE, 5);
  if (path === 'middleware') {
    const middleware = createMetricsMiddleware(options);
    const agent = createAgent({ model, tools: [weather], middleware: [middleware] });
    return { adapter: middleware, run: (input: object) => agent.invoke(input as never) };
  }
  const handler = new MetricsCallbackHandler(options);
  const config = { callbacks: [handler] };
  if (path === 'shared handler') {
    const agent = createAgent({ model, tools: [weather] });
    return { adapter: handler, run: (input: object) => agent.invoke(input as never, config) };
  }
  const graph = graphWith(model);
  return { adapter: handler, run: (input: object) => graph.invoke(input as never, config) };
}

describe.each(['shared handler', 'middleware', 'LangGraph handler'] as const)(
  'a burst through the %s',
  (path) => {
    it(`records ${RUNS} concurrent invocations exactly, and the heap comes back`, async () => {
      const exporter = new CheckingExporter();
      const { adapter, run } = setUp(path, exporter);
      // run i: a weather call (input BASE + i, output 1), then an answer (input BASE + i, output 2)
      const keys = Array.from({ length: RUNS }, (_, i) => `burst-${i}`);
      // a few runs first, so one-time costs (lazy modules, compiled code) are not counted as left over
      const warmUp = Array.from({ length: WARM_UP }, (_, i) => `burst-${RUNS + i}`);
      await Promise.all(
        warmUp.map((key) => run({ messages: [{ role: 'user', content: `script:${key} go` }] })),
      );
      const before = heapMb();
      const startedAt = performance.now();
      const cpu = process.cpuUsage();
      await Promise.all(
        keys.map((key) => run({ messages: [{ role: 'user', content: `script:${key} go` }] })),
      );
      const seconds = (performance.now() - startedAt) / 1000;
      const { user, system } = process.cpuUsage(cpu);
      const cpuSeconds = (user + system) / 1e6;
      await adapter.flush();
      const after = heapMb();
      console.log(
        `burst ${path}: ${RUNS} runs in ${seconds.toFixed(1)} s (${cpuSeconds.toFixed(1)} s CPU); heap ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB after`,
      );
      expect(exporter.wrong).toEqual([]);
      expect(exporter.seen.size).toBe(RUNS + WARM_UP);
      expect([...exporter.seen.values()].every((n) => n === 1)).toBe(true);
      expect(after - before).toBeLessThan(16);
    }, 600_000);
  },
);
