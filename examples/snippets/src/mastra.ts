// The ```ts blocks of packages/mastra/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import { Agent } from '@mastra/core/agent';

// The free variables the snippets use (the second one also uses `Agent`, imported above, and
// `createResourceMetricsExporter`, imported by the first).
type AgentConfig = ConstructorParameters<typeof Agent>[0];
declare const weatherAgent: Agent;
declare const instructions: AgentConfig['instructions'];
declare const model: AgentConfig['model'];
declare const tools: AgentConfig['tools'];

// Quickstart: a Mastra instance
import { Mastra } from '@mastra/core/mastra';
import { Observability } from '@mastra/observability';
import { createResourceMetricsExporter } from '@metrics/core';
import { MastraMetricsExporter } from '@metrics/mastra';

const metrics = new MastraMetricsExporter({ exporters: [createResourceMetricsExporter()] }); // AI_METRICS_* env

export const mastra = new Mastra({
  agents: { weatherAgent },
  observability: new Observability({ configs: { default: { serviceName: 'my-app', exporters: [metrics] } } }),
});

// "An `Agent` used without a `Mastra` instance is wrapped in one line instead"
import { withMetrics } from '@metrics/mastra';

const agent = withMetrics(new Agent({ id: 'support', name: 'support', instructions, model, tools }), {
  exporters: [createResourceMetricsExporter()],
});

export { agent };
