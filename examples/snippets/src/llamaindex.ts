// The quickstart blocks of packages/llamaindex/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there

// Quickstart
import { Settings } from '@llamaindex/core/global';
import { tool } from '@llamaindex/core/tools';
import { OpenAI } from '@llamaindex/openai';
import { agent } from '@llamaindex/workflow';
import { ConsoleExporter } from '@metrics/core';
import { MetricsCallbackManager } from '@metrics/llamaindex';
import { z } from 'zod';

const metrics = new MetricsCallbackManager({ exporters: [new ConsoleExporter()] });
Settings.callbackManager = metrics; // every agent() / multiAgent() run is now one record

const llm = new OpenAI({
  model: 'gpt-4o-mini',
  additionalChatOptions: { stream_options: { include_usage: true } }, // streamed usage (see below)
});
const add = tool({
  name: 'add',
  description: 'Adds two numbers',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

const result = await agent({ llm, tools: [add] }).run('What is 2 + 3?');

await metrics.shutdown(); // before exit: delivers the last records

export { result };

// "Streaming usage needs one option"
export function streamedUsage() {
  const llm = new OpenAI({
    model: 'gpt-4o-mini',
    additionalChatOptions: { stream_options: { include_usage: true } },
  });
  return llm;
}
