// The ```ts blocks of packages/mastra/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there

// Quickstart: a Mastra instance
import { openai } from '@ai-sdk/openai';
import { Agent } from '@mastra/core/agent';
import type { MastraModelConfig } from '@mastra/core/llm';
import { Mastra } from '@mastra/core/mastra';
import { createTool } from '@mastra/core/tools';
import { Observability } from '@mastra/observability';
import { ConsoleExporter } from '@metrics/core';
import { MetricsExporter } from '@metrics/mastra';
import { z } from 'zod';

const add = createTool({
  id: 'add',
  description: 'Adds two numbers',
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => ({ sum: a + b }),
});
// @ai-sdk/openai 4's model type and the copy Mastra 1.x vendors differ only in typing
const model = openai('gpt-4o-mini') as unknown as MastraModelConfig;
const adder = new Agent({ id: 'adder', name: 'adder', instructions: 'Add.', model, tools: { add } });

const metrics = new MetricsExporter({ exporters: [new ConsoleExporter()] });
const mastra = new Mastra({
  agents: { adder },
  observability: new Observability({ configs: { default: { serviceName: 'my-app', exporters: [metrics] } } }),
});

const result = await mastra.getAgent('adder').generate('What is 2 + 3?'); // one record

await metrics.shutdown(); // before exit: delivers the last records, puts the agents' models back

export { result };

// "An `Agent` used without a `Mastra` instance is instrumented explicitly instead" (its free
// variables: the agent's settings; `model` is the first block's)
type AgentConfig = ConstructorParameters<typeof Agent>[0];
declare const instructions: AgentConfig['instructions'];
declare const tools: AgentConfig['tools'];

import { instrumentAgent } from '@metrics/mastra';

const support = instrumentAgent(new Agent({ id: 'support', name: 'support', instructions, model, tools }), {
  exporters: [new ConsoleExporter()],
});
await support.agent.generate('Where is my order?'); // one record
support.uninstrument(); // the agent's own generate, stream and model are back
