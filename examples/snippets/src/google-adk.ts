// The ```ts block of packages/google-adk/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there

import { InMemoryRunner, LlmAgent } from '@google/adk';
import { createResourceMetricsExporter } from '@metrics/core';
import { MetricsPlugin } from '@metrics/google-adk';

const metrics = new MetricsPlugin({ exporters: [createResourceMetricsExporter()] }); // AI_METRICS_ENDPOINT, … from the environment
const runner = new InMemoryRunner({
  agent: new LlmAgent({ name: 'assistant', model: 'gemini-2.5-flash', instruction: 'Be brief.' }), // GEMINI_API_KEY
  plugins: [metrics], // first in the list
});
const newMessage = { role: 'user', parts: [{ text: 'Say hello in five words.' }] };
for await (const event of runner.runEphemeral({ userId: 'u1', newMessage }))
  if (!event.partial && event.content?.parts?.[0]?.text) console.log(event.content.parts[0].text);
await metrics.shutdown(); // delivers what was recorded
