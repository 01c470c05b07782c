import type { Metrics } from '@metrics/core';
import { now } from '@metrics/core';
import { OPEN_RUNS_DEFAULTS, OpenRuns, type OpenRunsOptions } from '@metrics/core/adapter';
import { MiddlewareRun, samePrompt } from './middleware-run.js';
import { SOURCE } from './options.js';
import { type ToolCallRef, type ToolResultRef, lastToolResults } from './prompt-tools.js';
import { retryWindowMs, sdkRetryDelayMs } from './retry-schedule.js';

export { MiddlewareRun, samePrompt, scopedRun } from './middleware-run.js';

export interface AutoRunOptions {
  /**
   * How long a run the middleware opened on its own waits, silent, for its next model call after
   * a step that asked for tools, before it is ended. Default 60 s. A run whose attempt failed waits
   * only as long as the AI SDK's own retry would take (see `sdkRetryDelayMs`), never longer than
   * this. A call still in flight (e.g. a stream nobody reads to the end) is given 10 times as long.
   */
  openRunTimeoutMs?: number;
  /**
   * Most runs kept open at once, far above any real concurrency (a memory bound, not a limit on
   * the agent): past it, the one silent the longest is ended as it stands. Default 100,000.
   */
  maxOpenRuns?: number;
  /** @deprecated Use `openRunTimeoutMs`. */
  idleTimeoutMs?: number;
}

/** The middleware's own default: it cannot see a run's end, so a run silent this long has ended. */
const MIDDLEWARE_RUN_TIMEOUT_MS = 60_000;

/** Whether `prefix` is the start of `prompt` (the previous step's prompt inside the next one's). */
function isPromptPrefix(prefix: unknown, prompt: unknown): boolean {
  if (!Array.isArray(prefix) || !Array.isArray(prompt) || prefix.length >= prompt.length) return false;
  return samePrompt(prefix, prompt.slice(0, prefix.length));
}

/**
 * Groups the model calls of one `generateText`/`streamText`/agent loop into one run when the
 * middleware is all there is (AI SDK 5 and 6, or 7 without the telemetry integration):
 * - `generateText` hands every step and retry of one call the same `headers` object (made per
 *   call by the SDK): calls with the same one are the same run;
 * - otherwise (`streamText` passes no per-call object) a call whose prompt ends with the results of
 *   tool calls a run asked for continues that run; when several open runs asked for the same ids
 *   (providers that number them `call_0`, `call_1` in every conversation), the one whose last
 *   prompt begins this one is it;
 * - a call with the same prompt as a run's failed attempt is its retry;
 * - anything else starts a run.
 * A run ends when a step answers without tool calls; after a step that asked for tools, when no
 * next call came within `idleTimeoutMs`; after a failed attempt, as soon as the SDK's own retry is
 * overdue (at once when the error is not one the SDK retries).
 */
export class AutoRuns {
  private readonly byToolCall = new Map<string, MiddlewareRun[]>();
  private readonly byHeaders = new WeakMap<object, MiddlewareRun>();
  private readonly open: OpenRuns<MiddlewareRun, MiddlewareRun>;
  /** Runs whose last attempt failed: a retry may come with a new array holding the same prompt. */
  private readonly failedRuns = new Set<MiddlewareRun>();
  private readonly idleTimeoutMs: number;
  private sweeper: ReturnType<typeof setTimeout> | undefined;
  private sweepAt = 0;

  constructor(
    private readonly metrics: Metrics,
    options: AutoRunOptions = {},
  ) {
    this.idleTimeoutMs = Math.max(
      0,
      options.openRunTimeoutMs ?? options.idleTimeoutMs ?? MIDDLEWARE_RUN_TIMEOUT_MS,
    );
    // the kit's registry bounds memory; its own silent-run sweep is the in-flight guard below
    const bounds: OpenRunsOptions = {
      openRunTimeoutMs: this.idleTimeoutMs * 10 || OPEN_RUNS_DEFAULTS.openRunTimeoutMs,
    };
    if (options.maxOpenRuns !== undefined) bounds.maxOpenRuns = options.maxOpenRuns;
    this.open = new OpenRuns((run) => this.finish(run), metrics.diagnostics, SOURCE, bounds);
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * The run a model call belongs to (started when none matches), and the attempt number of the
   * call. `headers` is the call's `headers` option (one object per `generateText` call).
   */
  begin(
    prompt: unknown,
    model: string | undefined,
    headers?: unknown,
  ): { run: MiddlewareRun; attempt: number } {
    const results = lastToolResults(prompt);
    const key = typeof headers === 'object' && headers !== null ? headers : undefined;
    let run = key ? this.byHeaders.get(key) : undefined;
    if (!run || run.recorder.ended) run = this.waitingOn(prompt, results);
    if (!run)
      for (const candidate of this.failedRuns)
        if (samePrompt(prompt, candidate.lastPrompt)) {
          run = candidate;
          break;
        }
    if (!run || run.recorder.ended) run = this.start(model);
    if (key) {
      this.byHeaders.set(key, run);
      run.headers = key;
    }
    this.failedRuns.delete(run);
    for (const result of results) this.unlink(result.id, run);
    // a call in flight is not waited on forever either (a stream nobody reads never finishes)
    this.touch(run);
    this.wait(run, this.idleTimeoutMs * 10);
    return { run, attempt: run.beginAttempt(prompt, results) };
  }

  /** After a successful attempt: a step without tool calls ends the run, else it waits for the next. */
  succeeded(run: MiddlewareRun, toolCalls: readonly ToolCallRef[]): void {
    this.touch(run);
    run.failed = false;
    run.lastError = undefined;
    if (toolCalls.length === 0) {
      this.finish(run);
      return;
    }
    run.addToolCalls(toolCalls);
    for (const call of toolCalls) {
      const runs = this.byToolCall.get(call.id);
      if (!runs) this.byToolCall.set(call.id, [run]);
      else if (!runs.includes(run)) runs.push(run);
    }
    this.wait(run);
  }

  /** After a failed attempt: the SDK's retry may follow (same prompt), or the run failed for good. */
  failed(run: MiddlewareRun, error: unknown): void {
    this.touch(run);
    run.failed = true;
    run.lastError = error;
    const delay = sdkRetryDelayMs(error, run.attemptsOnPrompt);
    if (delay === undefined) {
      this.finish(run);
      return;
    }
    this.failedRuns.add(run);
    this.wait(run, Math.min(this.idleTimeoutMs, retryWindowMs(delay)));
  }

  /** Ends every open run now (e.g. before exit). */
  endAll(): void {
    for (const run of [...this.open.values()]) this.finish(run);
  }

  /** Marks activity of a run (its deadline and the registry's "last seen"). */
  private touch(run: MiddlewareRun): void {
    run.lastActivity = now();
    this.open.get(run);
  }

  /** The open run that asked for the tool calls whose results end this prompt. */
  private waitingOn(prompt: unknown, results: readonly ToolResultRef[]): MiddlewareRun | undefined {
    let first: MiddlewareRun | undefined;
    let candidates: Set<MiddlewareRun> | undefined;
    for (const result of results) {
      const runs = this.byToolCall.get(result.id);
      if (!runs) continue;
      for (const run of runs) {
        if (first === undefined) first = run;
        else if (run !== first) {
          candidates ??= new Set([first]);
          candidates.add(run);
        }
      }
    }
    if (!candidates) return first;
    // the same ids in several open conversations: the prompt tells them apart
    for (const run of candidates) if (isPromptPrefix(run.lastPrompt, prompt)) return run;
    return first;
  }

  private unlink(id: string, run: MiddlewareRun): void {
    const runs = this.byToolCall.get(id);
    if (!runs) return;
    const index = runs.indexOf(run);
    if (index < 0) return;
    if (runs.length === 1) this.byToolCall.delete(id);
    else runs.splice(index, 1);
  }

  private start(model: string | undefined): MiddlewareRun {
    const run = new MiddlewareRun(
      this.metrics.startInvocation({ providerType: 'AISDK', ...(model ? { model } : {}) }),
      true,
    );
    this.open.add(run, run);
    return run;
  }

  /** One timer for all waiting runs, due at the earliest deadline (never keeps the process alive). */
  private wait(run: MiddlewareRun, ms = this.idleTimeoutMs): void {
    run.deadline = run.lastActivity + ms;
    if (!this.sweeper || run.deadline < this.sweepAt) this.arm(run.deadline);
  }

  private arm(at: number): void {
    if (this.sweeper) clearTimeout(this.sweeper);
    this.sweepAt = at;
    this.sweeper = setTimeout(() => this.sweep(), Math.max(1, at - now()));
    (this.sweeper as { unref?: () => void }).unref?.();
  }

  private sweep(): void {
    this.sweeper = undefined;
    const at = now();
    let next = Number.POSITIVE_INFINITY;
    for (const run of [...this.open.values()]) {
      if (run.deadline === 0) continue;
      if (run.deadline <= at) this.finish(run);
      else if (run.deadline < next) next = run.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }

  private finish(run: MiddlewareRun): void {
    run.deadline = 0;
    // released now, not at the next full collection: a weak map entry keeps its value through
    // every young-generation collection (V8), so ended runs and their prompts piled up in old space
    if (run.headers) this.byHeaders.delete(run.headers);
    run.headers = undefined;
    run.lastPrompt = undefined;
    this.open.delete(run);
    this.failedRuns.delete(run);
    for (const id of run.pending.keys()) this.unlink(id, run);
    if (run.recorder.ended) return;
    if (run.failed) run.recorder.end({ error: run.lastError, endedAt: run.lastActivity });
    else run.recorder.end({ endedAt: run.lastActivity });
  }
}
