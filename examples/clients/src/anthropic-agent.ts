// A tool loop on the @anthropic-ai/sdk client, streamed with messages.stream(). Nothing in it
// knows about metrics: the client is metered, the tool runs through runTool.
import type Anthropic from '@anthropic-ai/sdk';
import { runTool } from '@metrics/clients/anthropic';
import { lookupOrder } from './tools.js';

const tools: Anthropic.Tool[] = [
  { name: lookupOrder.name, description: lookupOrder.description, input_schema: lookupOrder.parameters },
];

async function answer(use: Anthropic.ToolUseBlock): Promise<Anthropic.ToolResultBlockParam> {
  try {
    const content = await runTool(use.name, () => lookupOrder.run(JSON.stringify(use.input)), {
      callId: use.id,
    });
    return { type: 'tool_result', tool_use_id: use.id, content };
  } catch (error) {
    return { type: 'tool_result', tool_use_id: use.id, content: (error as Error).message, is_error: true };
  }
}

export async function anthropicAgent(client: Anthropic, model: string, question: string): Promise<string> {
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: question }];
  for (let turn = 0; turn < 5; turn++) {
    const message = await client.messages.stream({ model, max_tokens: 1024, messages, tools }).finalMessage();
    const uses = message.content.filter(
      (block): block is Anthropic.ToolUseBlock => block.type === 'tool_use',
    );
    if (uses.length === 0)
      return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    messages.push({ role: 'assistant', content: message.content });
    messages.push({ role: 'user', content: await Promise.all(uses.map(answer)) });
  }
  throw new Error('the agent did not finish in 5 turns');
}
