import { type Diagnostics, type ModelCall, fromAiSdkProviderUsage, guard } from '@metrics/core';
import { SOURCE } from './options.js';
import { type ToolCallRef, toolCallOf, toolCallsOf } from './prompt-tools.js';

/** Stream parts that carry generated output: the first one is the time to first token. */
const OUTPUT_PARTS = new Set([
  'text-delta',
  'reasoning-delta',
  'tool-input-start',
  'tool-input-delta',
  'tool-call',
  'file',
  'source',
]);

/** What happens after an attempt, besides its model call: the run learns its tool calls or failure. */
export interface AttemptOutcome {
  succeeded(toolCalls: readonly ToolCallRef[]): void;
  failed(error: unknown): void;
}

interface GenerateResult {
  content?: unknown;
  usage?: unknown;
  response?: { modelId?: string };
}

/** Ends a model call from a provider-level (`doGenerate`) result. */
export function endGenerate(call: ModelCall, result: unknown, outcome: AttemptOutcome | undefined): void {
  const value = result as GenerateResult | undefined;
  const model = value?.response?.modelId;
  call.end({ usage: fromAiSdkProviderUsage(value?.usage), ...(typeof model === 'string' ? { model } : {}) });
  outcome?.succeeded(toolCallsOf(value?.content));
}

/**
 * Returns the `doStream` result with its stream observed: the first output part marks the first
 * token, the `finish` part carries the usage, an `error` part or a cancellation fails the call.
 * Parts pass through untouched.
 */
export function observeStream<R extends { stream: ReadableStream<unknown> }>(
  result: R,
  call: ModelCall,
  outcome: AttemptOutcome | undefined,
  diagnostics: Diagnostics,
): R {
  let usage: unknown;
  let responseModel: string | undefined;
  let streamError: unknown;
  let errored = false;
  const toolCalls: ToolCallRef[] = [];
  const observe = (part: unknown): void => {
    const type = (part as { type?: unknown } | null)?.type;
    if (typeof type !== 'string') return;
    if (OUTPUT_PARTS.has(type)) {
      call.firstToken();
      if (type === 'tool-call') {
        const ref = toolCallOf(part);
        if (ref) toolCalls.push(ref);
      }
    } else if (type === 'finish') usage = (part as { usage?: unknown }).usage;
    else if (type === 'response-metadata') {
      const id = (part as { modelId?: unknown }).modelId;
      if (typeof id === 'string') responseModel = id;
    } else if (type === 'error' && !errored) {
      errored = true;
      streamError = (part as { error?: unknown }).error;
    }
  };
  const close = (error: unknown, hasError: boolean): void => {
    if (call.ended) return;
    if (hasError) {
      call.fail(error);
      outcome?.failed(error);
      return;
    }
    call.end({
      usage: fromAiSdkProviderUsage(usage),
      ...(responseModel !== undefined ? { model: responseModel } : {}),
    });
    outcome?.succeeded(toolCalls);
  };
  const transformer = {
    transform(part: unknown, controller: TransformStreamDefaultController<unknown>) {
      try {
        observe(part);
      } catch (error) {
        diagnostics.reportError(SOURCE, error);
      }
      controller.enqueue(part);
    },
    flush() {
      guard(diagnostics, SOURCE, () => close(streamError, errored));
    },
    // runtimes whose transformers see cancellation (Node 22+, browsers) report it
    cancel(reason: unknown) {
      guard(diagnostics, SOURCE, () => close(abortError(reason), true));
    },
  };
  return { ...result, stream: result.stream.pipeThrough(new TransformStream<unknown, unknown>(transformer)) };
}

/** The abort reason, or an `AbortError` when there is none. */
export function abortError(reason: unknown): unknown {
  if (reason !== undefined) return reason;
  const error = new Error('the call was aborted');
  error.name = 'AbortError';
  return error;
}
