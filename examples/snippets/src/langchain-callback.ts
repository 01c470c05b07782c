// The callback-handler blocks of packages/langchain/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import type { InvocationExporter } from '@metrics/core';
import type { Runnable } from '@langchain/core/runnables';
import { ChatOpenAI } from '@langchain/openai';

// The free variables the snippets use: any chain, createAgent agent or LangGraph graph, and its input.
declare const exporter: InvocationExporter;
declare const agent: Runnable;
declare const input: { messages: Array<{ role: string; content: string }> };

// "@metrics/langchain" (first block)
import { MetricsCallbackHandler } from '@metrics/langchain';

const metrics = new MetricsCallbackHandler({ exporters: [exporter] });
await agent.invoke(input, { callbacks: [metrics] }); // any chain, createAgent agent or LangGraph graph

// "What cannot be seen (and the opt-in that helps)"
export function seeEveryAttempt() {
  const metrics = new MetricsCallbackHandler({ exporters: [exporter] }); // or createMetricsMiddleware(...)
  const model = new ChatOpenAI({ model: 'gpt-4o-mini', configuration: { fetch: metrics.fetch() } });
  return model;
}
