// `npm run demo` — records one invocation with the manual API and prints its resourceMetrics payload.
// (The full demo, running every framework's example against local servers, replaces this.)
import { createMetrics, fromOpenAIChatUsage, toResourceMetric } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';

const memory = new InMemoryExporter();
const metrics = createMetrics({ exporters: [memory], providerType: 'CUSTOM_PROVIDER' });

await metrics.withInvocation({ model: 'gpt-4o', sessionId: 'demo-conversation' }, async (invocation) => {
  const call = invocation.startModelCall({ model: 'gpt-4o', streamed: true });
  await new Promise((resolve) => setTimeout(resolve, 20));
  call.firstToken();
  await new Promise((resolve) => setTimeout(resolve, 10));
  call.end({
    usage: fromOpenAIChatUsage({
      prompt_tokens: 120,
      completion_tokens: 30,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 100 },
    }),
  });
  const tool = invocation.startToolCall({ name: 'get_weather', type: 'api' });
  await new Promise((resolve) => setTimeout(resolve, 5));
  tool.end();
});

const [record] = memory.records;
const payload = {
  resourceMetrics: [toResourceMetric(record, { accountId: '00000000-0000-4000-8000-000000000000' })],
};
console.log(JSON.stringify(payload, null, 2));
