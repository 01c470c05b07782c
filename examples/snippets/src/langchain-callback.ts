// The callback-handler blocks of packages/langchain/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import type { InvocationExporter } from '@metrics/core';
import type { Runnable } from '@langchain/core/runnables';

// The free variables the snippets use: any chain, createAgent agent or LangGraph graph, and its input.
declare const exporter: InvocationExporter;
declare const agent: Runnable;
declare const input: { messages: Array<{ role: string; content: string }> };

// "@metrics/langchain" (first block)
import { MetricsCallbackHandler } from '@metrics/langchain';

const metrics = new MetricsCallbackHandler({ exporters: [exporter] });
await agent.invoke(input, { callbacks: [metrics] }); // any chain, createAgent agent or LangGraph graph
