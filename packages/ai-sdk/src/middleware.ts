import {
  type InvocationRecorder,
  type Metrics,
  type ModelCall,
  getCurrentInvocation,
  guard,
} from '@metrics/core';
import { type AutoRunOptions, AutoRuns, type MiddlewareRun, scopedRun } from './auto-runs.js';
import { type AiSdkMetricsOptions, SOURCE, ownOptions, toMetrics } from './options.js';
import { type AttemptOutcome, endGenerate, observeStream } from './attempt.js';
import type { ToolCallRef } from './prompt-tools.js';
import { shared } from './shared.js';

// Loose views of the provider-level (V2/V3/V4) model and call shapes: only the fields read here.
interface ModelInfo {
  readonly modelId?: string;
  readonly provider?: string;
}
interface CallParams {
  prompt?: unknown;
  /** One object per `generateText` call, handed to each of its steps and retries. */
  headers?: unknown;
}
interface StreamResult {
  stream: ReadableStream<unknown>;
}

/**
 * A `LanguageModelMiddleware` for `wrapLanguageModel` (AI SDK 5, 6 and 7; structurally typed so
 * one object fits every major).
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
 * record; alone (AI SDK 5 and 6, or 7 without the integration) it groups the calls of a run itself, or
 * records into the invocation of the current async context (`metrics.withInvocation`).
 */
export function aiSdkMiddleware(options?: AiSdkMetricsOptions & AutoRunOptions): AiSdkMiddleware {
  const metrics = toMetrics(options);
  const diagnostics = metrics.diagnostics;
  const autoRuns = new AutoRuns(metrics, ownOptions<AutoRunOptions>(options));

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
    if (current && !current.ended) {
      const run = scopedRun(current);
      return { recorder: current, attempt: run.beginAttempt(prompt), run };
    }
    const { run, attempt } = autoRuns.begin(
      prompt,
      typeof model?.modelId === 'string' ? model.modelId : undefined,
      params?.headers,
    );
    return { recorder: run.recorder, attempt, run };
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

  const outcomeOf = (target: Target): AttemptOutcome => ({
    succeeded: (toolCalls) => succeeded(target, toolCalls),
    failed: (error) => failed(target, error),
  });

  const failed = (target: Target, error: unknown): void => {
    if (target.run?.auto) autoRuns.failed(target.run, error);
    else if (target.run) target.run.failed = true;
  };

  /** Finds where this attempt is recorded and starts its model call (never throws). */
  const begin = (
    params: CallParams | undefined,
    model: ModelInfo | undefined,
    streamed: boolean,
  ): { target: Target; call: ModelCall } | undefined =>
    guard(diagnostics, SOURCE, () => {
      const target = resolve(params, model);
      return target ? { target, call: start(target, model, streamed) } : undefined;
    });

  const attemptFailed = (attempt: { target: Target; call: ModelCall } | undefined, error: unknown): void => {
    if (!attempt) return;
    guard(diagnostics, SOURCE, () => {
      attempt.call.fail(error);
      failed(attempt.target, error);
    });
  };

  return {
    specificationVersion: 'v3',
    metrics,
    endOpenRuns: () => guard(diagnostics, SOURCE, () => autoRuns.endAll()),

    async wrapGenerate({ doGenerate, params, model }) {
      const attempt = begin(params, model, false);
      let result: unknown;
      try {
        result = await doGenerate();
      } catch (error) {
        attemptFailed(attempt, error);
        throw error;
      }
      guard(diagnostics, SOURCE, () => {
        if (attempt) endGenerate(attempt.call, result, outcomeOf(attempt.target));
      });
      return result;
    },

    async wrapStream({ doStream, params, model }) {
      const attempt = begin(params, model, true);
      let result: StreamResult;
      try {
        result = await doStream();
      } catch (error) {
        attemptFailed(attempt, error);
        throw error;
      }
      if (!attempt || !result?.stream) return result;
      return (
        guard(diagnostics, SOURCE, () =>
          observeStream(result, attempt.call, outcomeOf(attempt.target), diagnostics),
        ) ?? result
      );
    },
  };
}
