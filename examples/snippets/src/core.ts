// The ```ts blocks of packages/core/README.md, verbatim (readme-snippets.test.ts checks it).
import { createMetrics, fromOpenAIChatUsage, toResourceMetric } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';

const memory = new InMemoryExporter();
const metrics = createMetrics({ exporters: [memory] });

await metrics.withInvocation({ model: 'gpt-4o', sessionId: 'conversation-42' }, async (run) => {
  const call = run.startModelCall({ model: 'gpt-4o', streamed: true });
  // ... first streamed delta arrives:
  call.firstToken();
  call.end({
    usage: fromOpenAIChatUsage({
      prompt_tokens: 120,
      completion_tokens: 30,
      prompt_tokens_details: { cached_tokens: 100 },
    }),
  });

  const tool = run.startToolCall({ name: 'get_weather', type: 'api' });
  tool.end(); // or tool.fail(error)
});

const payload = toResourceMetric(memory.records[0]!, { accountId: process.env.EXT_ACCOUNT_ALIAS_ID! });

export { payload };
