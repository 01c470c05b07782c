// A tool loop on the openai client. Nothing in it knows about metrics: the client is metered, the
// tool runs through runTool.
import { runTool } from '@metrics/clients/openai';
import type OpenAI from 'openai';
import { lookupOrder } from './tools.js';

const tools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: lookupOrder.name,
      description: lookupOrder.description,
      parameters: lookupOrder.parameters,
    },
  },
];

export async function openaiAgent(client: OpenAI, model: string, question: string): Promise<string> {
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: question }];
  for (let turn = 0; turn < 5; turn++) {
    const completion = await client.chat.completions.create({ model, messages, tools });
    const message = completion.choices[0]!.message;
    if (!message.tool_calls?.length) return message.content ?? '';
    messages.push(message);
    for (const call of message.tool_calls) {
      if (call.type !== 'function') continue;
      const content = await runTool(call.function.name, () => lookupOrder.run(call.function.arguments), {
        callId: call.id,
      }).catch((error: Error) => `Error: ${error.message}`);
      messages.push({ role: 'tool', tool_call_id: call.id, content });
    }
  }
  throw new Error('the agent did not finish in 5 turns');
}
