// The first ```ts block of packages/clients/README.md, verbatim (readme-snippets.test.ts checks it).
import { ConsoleExporter, createMetrics } from '@metrics/core';
import { meter, runTool } from '@metrics/clients/openai';
import OpenAI from 'openai';

const metrics = createMetrics({ exporters: [new ConsoleExporter()] }); // one line per run
const client = meter(new OpenAI(), metrics);

await metrics.withInvocation({ sessionId: 'support-42' }, async () => {
  const first = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Where is order A-17?' }],
    tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object' } } }],
  });
  for (const call of first.choices[0]?.message.tool_calls ?? [])
    await runTool('lookup_order', async () => 'ships tomorrow', { callId: call.id });
});
await metrics.shutdown();
