// The quickstart blocks of packages/llamaindex/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there

// Quickstart
import { SimpleChatEngine } from 'llamaindex';
import { tool } from '@llamaindex/core/tools';
import { OpenAI } from '@llamaindex/openai';
import { agent } from '@llamaindex/workflow';
import { createResourceMetricsExporter } from '@metrics/core';
import { llamaindexMetrics } from '@metrics/llamaindex';
import { z } from 'zod';

const metrics = llamaindexMetrics({ exporters: [createResourceMetricsExporter()], deadlineMs: 120_000 });

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

// agent() / multiAgent() workflows: every run() and runStream() is one record
const myAgent = metrics.instrument(agent({ llm, tools: [add] }));
const result = await myAgent.run('What is 2 + 3?');

// anything else (chat engines, query engines, legacy agents, llm.chat): one record per call
const chatEngine = new SimpleChatEngine({ llm });
const reply = await metrics.run(() => chatEngine.chat({ message: 'hi' }), { sessionId: 'conversation-7' });

await metrics.shutdown(); // before exit: delivers the last records

export { result, reply };

// "Streaming usage needs one option"
export function streamedUsage() {
  const llm = new OpenAI({
    model: 'gpt-4o-mini',
    additionalChatOptions: { stream_options: { include_usage: true } },
  });
  return llm;
}
