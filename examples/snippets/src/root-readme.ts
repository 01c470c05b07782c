// The ```ts blocks of the root README.md, verbatim (readme-snippets.test.ts checks it).
import type { InvocationExporter } from '@metrics/core';
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionMessageParam } from 'openai/resources/chat/completions';

// The free variables the snippet uses.
declare const myExporter: InvocationExporter;
declare const conversationId: string;
declare const client: OpenAI;
declare const messages: ChatCompletionMessageParam[];
declare function search(response: ChatCompletion): Promise<unknown>;

// README.md — "The manual API"
import { createMetrics, fromOpenAIChatUsage } from '@metrics/core';

const metrics = createMetrics({ exporters: [myExporter], providerType: 'CUSTOM_PROVIDER' });

const answer = await metrics.withInvocation({ model: 'gpt-4o', sessionId: conversationId }, async (run) => {
  const call = run.startModelCall({ model: 'gpt-4o' });
  const response = await client.chat.completions.create({ model: 'gpt-4o', messages });
  call.end({ usage: fromOpenAIChatUsage(response.usage) });

  const tool = run.startToolCall({ name: 'search', type: 'api' });
  try {
    await search(response);
    tool.end();
  } catch (error) {
    tool.fail(error);
  }
  return response.choices[0]?.message.content;
});

export { answer };
