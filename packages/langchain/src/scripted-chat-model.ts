import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';

/**
 * A test chat model for bursts too large for real HTTP in one suite: run `i` (named by
 * `script:<prefix>-<i>` in its first message) calls `weather` once (usage: input `base + i`,
 * output 1), then answers (input `base + i`, output 2). Each call takes `delayMs`.
 */
export class ScriptedChatModel extends BaseChatModel {
  constructor(
    private readonly base: number,
    private readonly delayMs: number,
  ) {
    super({});
  }

  _llmType(): string {
    return 'scripted';
  }

  override bindTools(): this {
    return this;
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const text = String(messages[0]?.content ?? '');
    const i = Number(/-(\d+) /.exec(text)?.[1]);
    const toolAnswered = messages.some((m) => m.getType() === 'tool');
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const usage = (output: number) => ({
      input_tokens: this.base + i,
      output_tokens: output,
      total_tokens: this.base + i + output,
    });
    const message = toolAnswered
      ? new AIMessage({ content: `answer ${i}`, usage_metadata: usage(2) })
      : new AIMessage({
          content: '',
          tool_calls: [{ name: 'weather', args: { city: `c${i}` }, id: `call-${i}`, type: 'tool_call' }],
          usage_metadata: usage(1),
        });
    return { generations: [{ text: '', message }] };
  }
}
