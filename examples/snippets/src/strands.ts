// The ```ts blocks of packages/strands/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there

// Quickstart (defines `exporter`, which the graph block uses too)
import { createResourceMetricsExporter } from '@metrics/core';
import { MetricsPlugin } from '@metrics/strands';
import { Agent } from '@strands-agents/sdk';
import { OpenAIModel } from '@strands-agents/sdk/models/openai';

const exporter = createResourceMetricsExporter(); // AI_METRICS_ENDPOINT, AI_METRICS_TOKEN, … from the environment
const metrics = new MetricsPlugin({ exporters: [exporter] });

const agent = new Agent({
  model: new OpenAIModel({ modelId: 'gpt-4o-mini' }), // OPENAI_API_KEY
  plugins: [metrics],
});
console.log(String(await agent.invoke('Say hello in five words.')));
await metrics.shutdown(); // delivers what was recorded
