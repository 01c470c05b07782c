import {
  type InvocationRecorder,
  Metrics,
  type ModelCall,
  fromAiSdkProviderUsage,
  getCurrentInvocation,
  guard,
} from '@metrics/core';
import { type AutoRunOptions, AutoRuns, type MiddlewareRun, scopedRun } from './auto-runs.js';
import { type AiSdkMetricsOptions, SOURCE, toMetrics } from './options.js';
import { type ToolCallRef, toolCallOf, toolCallsOf } from './prompt-tools.js';
import { shared } from './shared.js';

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

// Loose views of the provider-level (V2/V3/V4) model and call shapes: only the fields read here.
interface ModelInfo {
  readonly modelId?: string;
  readonly provider?: string;
}
interface CallParams {
  prompt?: unknown;
}
interface GenerateResult {
  content?: unknown;
  usage?: unknown;
  response?: { modelId?: string };
}
interface StreamResult {
  stream: ReadableStream<unknown>;
}

/**
 * A `LanguageModelMiddleware` for `wrapLanguageModel` (AI SDK 6 and 7; structurally typed so one
 * object fits both majors).
 */
export interface AiSdkMiddleware {
  readonly specificationVersion: 'v3';
  wrapGenerate(options: {
    doGenerate: () => PromiseLike<any>;
    doStream: () => PromiseLike<any>;
    params: any;
    model: any;
  }): Promise<any>;
  wrapStream(options: {
    doGenerate: () => PromiseLike<any>;
    doStream: () => PromiseLike<any>;
    params: any;
    model: any;
  }): Promise<any>;
  /** The `Metrics` instance records go through. */
  readonly metrics: Metrics;
  /** Ends the runs the middleware opened on its own and still waits on (e.g. before exit). */
  endOpenRuns(): void;
}

/** Where one attempt is recorded, and what happens to its run afterwards. */
interface Target {
  recorder: InvocationRecorder;
  attempt: number;
  run: MiddlewareRun | undefined;
}

/**
 * A language-model middleware that records every attempt of every model call: HTTP status of
 * failed attempts (429s included), time to first token from the first streamed part, and the
 * provider-level usage. With the telemetry integration (AI SDK 7) it feeds the integration's
 * record; alone (AI SDK 6, or 7 without the integration) it groups the calls of a run itself, or
 * records into the invocation of the current async context (`metrics.withInvocation`).
 */
export function aiSdkMiddleware(options?: AiSdkMetricsOptions & AutoRunOptions): AiSdkMiddleware {
  const metrics = toMetrics(options);
  const diagnostics = metrics.diagnostics;
  const autoRuns = new AutoRuns(metrics, options instanceof Metrics ? {} : (options ?? {}));

  const resolve = (params: CallParams | undefined, model: ModelInfo | undefined): Target | undefined => {
    const prompt = params?.prompt;
    const current = getCurrentInvocation();
    if (current && !current.ended) {
      const slot = shared.attemptSlots.get(current);
      if (slot) {
        // inside the integration's model call: this middleware is the source of the attempt
        if (slot.claimed) return undefined;
        slot.claimed = true;
        return { recorder: current, attempt: slot.attempt, run: undefined };
      }
    }
    const claim = typeof prompt === 'object' && prompt !== null ? shared.promptClaims.get(prompt) : undefined;
    if (claim && !claim.recorder.ended) {
      claim.attempts++;
      return { recorder: claim.recorder, attempt: claim.attempts, run: undefined };
    }
    const run =
      current && !current.ended
        ? scopedRun(current)
        : autoRuns.resolve(prompt, typeof model?.modelId === 'string' ? model.modelId : undefined);
    return { recorder: run.recorder, attempt: run.beginAttempt(prompt), run };
  };

  const start = (target: Target, model: ModelInfo | undefined, streamed: boolean): ModelCall =>
    target.recorder.startModelCall({
      attempt: target.attempt,
      streamed,
      ...(typeof model?.modelId === 'string' ? { model: model.modelId } : {}),
      ...(typeof model?.provider === 'string' ? { provider: model.provider } : {}),
    });

  const succeeded = (target: Target, toolCalls: readonly ToolCallRef[]): void => {
    const run = target.run;
    if (!run) return;
    if (run.auto) autoRuns.succeeded(run, toolCalls);
    else {
      run.failed = false;
      run.addToolCalls(toolCalls);
    }
  };

  const failed = (target: Target, error: unknown): void => {
    if (target.run?.auto) autoRuns.failed(target.run, error);
    else if (target.run) target.run.failed = true;
  };

  return {
    specificationVersion: 'v3',
    metrics,
    endOpenRuns: () => guard(diagnostics, SOURCE, () => autoRuns.endAll()),

    async wrapGenerate({ doGenerate, params, model }) {
      let target: Target | undefined;
      let call: ModelCall | undefined;
      guard(diagnostics, SOURCE, () => {
        target = resolve(params, model);
        if (target) call = start(target, model, false);
      });
      let result: GenerateResult;
      try {
        result = await doGenerate();
      } catch (error) {
        guard(diagnostics, SOURCE, () => {
          call?.fail(error);
          if (target) failed(target, error);
        });
        throw error;
      }
      guard(diagnostics, SOURCE, () => {
        const model = result?.response?.modelId;
        call?.end({
          usage: fromAiSdkProviderUsage(result?.usage),
          ...(typeof model === 'string' ? { model } : {}),
        });
        if (target) succeeded(target, toolCallsOf(result?.content));
      });
      return result;
    },

    async wrapStream({ doStream, params, model }) {
      let target: Target | undefined;
      let call: ModelCall | undefined;
      guard(diagnostics, SOURCE, () => {
        target = resolve(params, model);
        if (target) call = start(target, model, true);
      });
      let result: StreamResult;
      try {
        result = await doStream();
      } catch (error) {
        guard(diagnostics, SOURCE, () => {
          call?.fail(error);
          if (target) failed(target, error);
        });
        throw error;
      }
      const handle = call;
      const owner = target;
      if (!handle || !owner || !result?.stream) return result;
      let usage: unknown;
      let responseModel: string | undefined;
      let streamError: unknown;
      let errored = false;
      const toolCalls: ToolCallRef[] = [];
      const observe = (part: unknown): void => {
        const type = (part as { type?: unknown } | null)?.type;
        if (typeof type !== 'string') return;
        if (OUTPUT_PARTS.has(type)) {
          handle.firstToken();
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
      const close = (error?: unknown, hasError = false): void => {
        if (handle.ended) return;
        if (hasError) {
          handle.fail(error);
          failed(owner, error);
          return;
        }
        handle.end({
          usage: fromAiSdkProviderUsage(usage),
          ...(responseModel !== undefined ? { model: responseModel } : {}),
        });
        succeeded(owner, toolCalls);
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
          guard(diagnostics, SOURCE, () => close(abortReason(reason), true));
        },
      };
      const stream = result.stream.pipeThrough(new TransformStream<unknown, unknown>(transformer));
      return { ...result, stream };
    },
  };
}

function abortReason(reason: unknown): unknown {
  if (reason !== undefined) return reason;
  const error = new Error('the stream was cancelled');
  error.name = 'AbortError';
  return error;
}
