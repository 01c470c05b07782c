// The createMeteredRun block of packages/openai-agents/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import type { InvocationExporter } from '@metrics/core';
import type { Agent } from '@openai/agents';

// The free variables the snippet uses.
declare const exporter: InvocationExporter;
declare const agent: Agent;

import { createMeteredRun } from '@metrics/openai-agents';

const run = createMeteredRun({ exporters: [exporter] }); // optional 2nd argument: the Runner's RunConfig
const result = await run(agent, 'Hello', { stream: true });

export { result };
