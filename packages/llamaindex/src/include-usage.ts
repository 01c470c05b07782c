import { isObject } from './raw-fields.js';

/**
 * `@llamaindex/openai`'s chat-completions LLM (`OpenAI` and the providers built on it) streams
 * usage only when asked: `stream_options: { include_usage: true }`. The instrumented LLM asks for
 * it on each streamed call whose options say nothing about `stream_options`, through the call's own
 * `additionalChatOptions` (a copy of the call's parameters; the LLM's options are untouched).
 * Recognised by its shape: a lazily created `openai` session and `additionalChatOptions`, without
 * the Responses API's request builder (that API reports usage on its own).
 */
export function withStreamedUsage(llm: object, args: unknown[]): unknown[] {
  const params = args[0];
  if (!isObject(params) || params.stream !== true || !isChatCompletionsLLM(llm)) return args;
  const own = (llm as { additionalChatOptions?: unknown }).additionalChatOptions;
  const perCall = params.additionalChatOptions;
  if (mentionsStreamOptions(own) || mentionsStreamOptions(perCall)) return args;
  const additionalChatOptions = {
    ...(isObject(perCall) ? perCall : {}),
    stream_options: { include_usage: true },
  };
  return [{ ...params, additionalChatOptions }, ...args.slice(1)];
}

function isChatCompletionsLLM(llm: object): boolean {
  return (
    Object.hasOwn(llm, 'lazySession') &&
    'additionalChatOptions' in llm &&
    typeof (llm as { streamChat?: unknown }).streamChat === 'function' &&
    typeof (llm as { createBaseRequestParams?: unknown }).createBaseRequestParams !== 'function'
  );
}

function mentionsStreamOptions(options: unknown): boolean {
  return isObject(options) && options.stream_options !== undefined;
}
