import {
  type InvocationRecorder,
  type Metrics,
  type ModelCall,
  getCurrentInvocation,
  guard,
} from '@metrics/core';
import { type MetricsInput, adapterOptions, toMetrics } from '@metrics/core/adapter';
import { type AttemptOutcome, endGenerate, observeStream } from './attempt.js';
import { type AutoRunOptions, AutoRuns, scopedRun } from './auto-runs.js';
import type { MiddlewareRun } from './middleware-run.js';
import { SOURCE } from './options.js';
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
interface WrapOptions {
  doGenerate: () => PromiseLike<any>;
  doStream: () => PromiseLike<any>;
  params: any;
  model: any;
}

/** The middleware's own options: how long its own runs may stay silent, and how many stay open. */
export type MetricsMiddlewareOptions = AutoRunOptions;

/**
 * A `LanguageModelMiddleware` for `wrapLanguageModel` (AI SDK 5, 6 and 7; structurally typed so
 * one object fits every major).
 */
export interface MetricsMiddleware {
  readonly specificationVersion: 'v3';
  wrapGenerate(options: WrapOptions): Promise<any>;
  wrapStream(options: WrapOptions): Promise<any>;
  /** The `Metrics` instance records go through. */
  readonly metrics: Metrics;
  /** Ends the runs the middleware opened on its own and still waits on (e.g. before exit). */
  endOpenRuns(): void;
  /** Flushes the records not yet exported. */
  flush(options?: { timeoutMs?: number }): Promise<void>;
  /** Ends the runs still open, then shuts the `Metrics` down. */
  shutdown(options?: { timeoutMs?: number }): Promise<void>;
}

/** @deprecated Use `MetricsMiddleware`. */
export type AiSdkMiddleware = MetricsMiddleware;

/** Where one attempt is recorded, and what happens to its run afterwards. */
interface Target {
  recorder: InvocationRecorder;
  attempt: number;
  run: MiddlewareRun | undefined;
}

interface Attempt {
  target: Target;
  call: ModelCall;
}

/** Finds where each attempt the middleware sees is recorded, and tells its run how it went. */
class AttemptRouter {
  constructor(
    readonly metrics: Metrics,
    private readonly autoRuns: AutoRuns,
  ) {}

  /** Finds where this attempt is recorded and starts its model call (never throws). */
  begin(
    params: CallParams | undefined,
    model: ModelInfo | undefined,
    streamed: boolean,
  ): Attempt | undefined {
    return guard(this.metrics.diagnostics, SOURCE, () => {
      const target = this.resolve(params, model);
      return target ? { target, call: start(target, model, streamed) } : undefined;
    });
  }

  attemptFailed(attempt: Attempt | undefined, error: unknown): void {
    if (!attempt) return;
    guard(this.metrics.diagnostics, SOURCE, () => {
      attempt.call.fail(error);
      this.failed(attempt.target, error);
    });
  }

  outcomeOf(target: Target): AttemptOutcome {
    return {
      succeeded: (toolCalls) => this.succeeded(target, toolCalls),
      failed: (error) => this.failed(target, error),
    };
  }

  /**
   * In order: an attempt slot the telemetry integration opened (claimed once), an object step it
   * tracks by prompt, the invocation of the current async context, else a run of the middleware's own.
   */
  private resolve(params: CallParams | undefined, model: ModelInfo | undefined): Target | undefined {
    const prompt = params?.prompt;
    const current = getCurrentInvocation();
    const slot = current && !current.ended ? shared.attemptSlots.get(current) : undefined;
    if (current && slot) {
      // inside the integration's model call: the first claim makes this middleware its source
      if (!shared.claims.claim(slot)) return undefined;
      return { recorder: current, attempt: slot.attempt, run: undefined };
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
    const modelId = typeof model?.modelId === 'string' ? model.modelId : undefined;
    const { run, attempt } = this.autoRuns.begin(prompt, modelId, params?.headers);
    return { recorder: run.recorder, attempt, run };
  }

  private succeeded(target: Target, toolCalls: readonly ToolCallRef[]): void {
    const run = target.run;
    if (!run) return;
    if (run.auto) this.autoRuns.succeeded(run, toolCalls);
    else {
      run.failed = false;
      run.addToolCalls(toolCalls);
    }
  }

  private failed(target: Target, error: unknown): void {
    if (target.run?.auto) this.autoRuns.failed(target.run, error);
    else if (target.run) target.run.failed = true;
  }
}

function start(target: Target, model: ModelInfo | undefined, streamed: boolean): ModelCall {
  return target.recorder.startModelCall({
    attempt: target.attempt,
    streamed,
    ...(typeof model?.modelId === 'string' ? { model: model.modelId } : {}),
    ...(typeof model?.provider === 'string' ? { provider: model.provider } : {}),
  });
}

async function wrapGenerate(
  router: AttemptRouter,
  { doGenerate, params, model }: WrapOptions,
): Promise<unknown> {
  const attempt = router.begin(params, model, false);
  let result: unknown;
  try {
    result = await doGenerate();
  } catch (error) {
    router.attemptFailed(attempt, error);
    throw error;
  }
  guard(router.metrics.diagnostics, SOURCE, () => {
    if (attempt) endGenerate(attempt.call, result, router.outcomeOf(attempt.target));
  });
  return result;
}

async function wrapStream(router: AttemptRouter, { doStream, params, model }: WrapOptions): Promise<unknown> {
  const attempt = router.begin(params, model, true);
  let result: StreamResult;
  try {
    result = await doStream();
  } catch (error) {
    router.attemptFailed(attempt, error);
    throw error;
  }
  if (!attempt || !result?.stream) return result;
  const diagnostics = router.metrics.diagnostics;
  return (
    guard(diagnostics, SOURCE, () =>
      observeStream(result, attempt.call, router.outcomeOf(attempt.target), diagnostics),
    ) ?? result
  );
}

/**
 * A language-model middleware that records every attempt of every model call: HTTP status of
 * failed attempts (429s included), time to first token from the first streamed part, and the
 * provider-level usage. With the telemetry integration (AI SDK 7) it feeds the integration's
 * record; alone (AI SDK 5 and 6, or 7 without the integration) it groups the calls of a run itself, or
 * records into the invocation of the current async context (`metrics.withInvocation`).
 */
export function createMetricsMiddleware(
  options?: MetricsInput & MetricsMiddlewareOptions,
): MetricsMiddleware {
  const metrics = toMetrics(options);
  const autoRuns = new AutoRuns(metrics, adapterOptions<MetricsMiddlewareOptions>(options));
  const router = new AttemptRouter(metrics, autoRuns);
  const endOpenRuns = () => guard(metrics.diagnostics, SOURCE, () => autoRuns.endAll());
  return {
    specificationVersion: 'v3',
    metrics,
    endOpenRuns,
    flush: (opts) => metrics.flush(opts),
    shutdown: (opts) => {
      endOpenRuns();
      return metrics.shutdown(opts);
    },
    wrapGenerate: (opts) => wrapGenerate(router, opts),
    wrapStream: (opts) => wrapStream(router, opts),
  };
}

/** @deprecated Use `createMetricsMiddleware`. */
export const aiSdkMiddleware = createMetricsMiddleware;
