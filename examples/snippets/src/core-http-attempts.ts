// The ```ts block of packages/core/docs/http-attempts.md, verbatim (readme-snippets.test.ts checks it).
import { type InvocationRecorder, fromOpenAIChatUsage } from '@metrics/core';
import type OpenAI from 'openai';

declare const client: OpenAI;
declare const messages: OpenAI.Chat.ChatCompletionMessageParam[];

export async function oneModelCall(run: InvocationRecorder) {
  // biome-ignore format: the block stays exactly as written in the doc
  {
  const call = run.startModelCall({ model: 'gpt-4o' });
  const response = await client.chat.completions.create({ model: 'gpt-4o', messages }); // its retries included
  call.end({ usage: fromOpenAIChatUsage(response.usage) });
  }
}
