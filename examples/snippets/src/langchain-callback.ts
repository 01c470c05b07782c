// The callback-handler block of packages/langchain/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there

// "@metrics/langchain" (first block: runnable as it stands)
import { ChatOpenAI } from '@langchain/openai';
import { ConsoleExporter } from '@metrics/core';
import { MetricsCallbackHandler } from '@metrics/langchain';
import { createAgent, tool } from 'langchain';
import { z } from 'zod';

const weather = tool(async ({ city }) => `Sunny in ${city}`, {
  name: 'get_weather',
  description: 'The weather in a city',
  schema: z.object({ city: z.string() }),
});
const agent = createAgent({ model: new ChatOpenAI({ model: 'gpt-4o-mini' }), tools: [weather] });

const metrics = new MetricsCallbackHandler({ exporters: [new ConsoleExporter()] });
await agent.invoke({ messages: [{ role: 'user', content: 'Weather in Rome?' }] }, { callbacks: [metrics] });
await metrics.shutdown(); // before the process exits
