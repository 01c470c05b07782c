// The instrumentRunner block of packages/openai-agents/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there

// The free variables the snippet uses (`Agent` and `Runner` are imported by the snippet itself).
const agent = new Agent({ name: 'support', instructions: 'Answer questions about orders.' });
declare const endpoint: string;
declare const accountId: string;
declare const token: string;

import { Agent, Runner } from '@openai/agents';
import { createResourceMetricsExporter } from '@metrics/core';
import { instrumentRunner } from '@metrics/openai-agents';

const runner = new Runner();
const metrics = instrumentRunner(runner, { exporters: [createResourceMetricsExporter({ endpoint, accountId, token })] });

const result = await runner.run(agent, 'Where is my order?'); // one record per run
await metrics.flush(); // before the process exits

export { result };
