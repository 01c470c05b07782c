// The first block of packages/openai-agents/README.md, verbatim (readme-snippets.test.ts checks it):
// runnable as it stands, its exporter defined, its imports included.
// biome-ignore-all format: the README blocks stay exactly as written there

import { createResourceMetricsExporter } from '@metrics/core';
import { instrumentRunner } from '@metrics/openai-agents';
import { Agent, Runner } from '@openai/agents';

const exporter = createResourceMetricsExporter(); // AI_METRICS_ENDPOINT, EXT_ACCOUNT_ALIAS_ID, AI_METRICS_JWT_TOKEN
const agent = new Agent({ name: 'support', instructions: 'Answer questions about orders.', model: 'gpt-4.1-mini' });

const runner = new Runner();
const metrics = instrumentRunner(runner, { exporters: [exporter] });

const result = await runner.run(agent, 'Where is my order?'); // one record per run
console.log(result.finalOutput);
await metrics.shutdown(); // delivers what is left; metrics.uninstrument() puts the runner back

export { result };
