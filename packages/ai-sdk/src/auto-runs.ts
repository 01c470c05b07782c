import { type InvocationRecorder, type Metrics, now } from '@metrics/core';
import { SOURCE } from './options.js';
import { type ToolCallRef, type ToolResultRef, lastToolResults } from './prompt-tools.js';

/**
 * Whether two prompts are the same messages: `generateText` retries with the same array,
 * `streamText` converts the prompt again for each attempt. Only compared after a failed attempt.
 */
export function samePrompt(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/**
 * The run state the middleware keeps per recorder: the tool calls the model asked for whose
 * results it has not seen yet, and the prompt of the last attempt (to number retries).
 */
export class MiddlewareRun {
  readonly pending = new Map<string, string>();
  lastPrompt: unknown;
  attemptsOnPrompt = 0;
  lastError: unknown;
  failed = false;
  lastActivity = now();
  /** When an auto run waiting for its next call is given up (epoch ms); 0 when not waiting. */
  deadline = 0;

  constructor(
    readonly recorder: InvocationRecorder,
    readonly auto: boolean,
  ) {}

  /** Counts the results of tool calls this run asked for; returns the attempt number of this call. */
  beginAttempt(prompt: unknown, results: readonly ToolResultRef[] = lastToolResults(prompt)): number {
    for (const result of results) {
      const name = this.pending.get(result.id);
      if (name === undefined) continue;
      this.pending.delete(result.id);
      this.recorder.recordToolCall({
        name,
        outcome: result.failed ? 'failure' : 'success',
        callId: result.id,
        ...(result.failed ? { error: { name: 'ToolError', message: 'the tool call failed' } } : {}),
      });
    }
    if (
      prompt !== undefined &&
      (prompt === this.lastPrompt || (this.failed && samePrompt(prompt, this.lastPrompt)))
    )
      this.attemptsOnPrompt++;
    else {
      this.lastPrompt = prompt;
      this.attemptsOnPrompt = 1;
    }
    return this.attemptsOnPrompt;
  }

  addToolCalls(calls: readonly ToolCallRef[]): void {
    for (const call of calls) if (this.pending.size < 1000) this.pending.set(call.id, call.name);
  }
}

const perRecorder = new WeakMap<InvocationRecorder, MiddlewareRun>();

/** The middleware state of a recorder someone else opened (the user's `withInvocation`, a tool). */
export function scopedRun(recorder: InvocationRecorder): MiddlewareRun {
  let run = perRecorder.get(recorder);
  if (!run) {
    run = new MiddlewareRun(recorder, false);
    perRecorder.set(recorder, run);
  }
  return run;
}

export interface AutoRunOptions {
  /**
   * How long a run the middleware opened on its own waits for its next model call after a step
   * that asked for tools or failed (the next step, or a retry), before it is ended. Default 60 s.
   * A call still in flight (e.g. a stream nobody reads to the end) is given 10 times as long.
   */
  idleTimeoutMs?: number;
  /** Runs the middleware keeps open at most; the oldest is ended beyond it. Default 1000. */
  maxOpenRuns?: number;
}

/**
 * Groups the model calls of one `generateText`/`streamText`/agent loop into one run when the
 * middleware is all there is (AI SDK 5 and 6, or 7 without the telemetry integration): a call whose
 * prompt ends with the results of tool calls a run asked for continues that run; a call with the
 * same prompt as a run's failed attempt is its retry; anything else starts a run. A run ends when
 * a step answers without tool calls, or after `idleTimeoutMs` without a next call.
 */
export class AutoRuns {
  private readonly byToolCall = new Map<string, MiddlewareRun>();
  private readonly open = new Set<MiddlewareRun>();
  /** Runs whose last attempt failed: a retry may come with a new array holding the same prompt. */
  private readonly failedRuns = new Set<MiddlewareRun>();
  private readonly idleTimeoutMs: number;
  private readonly maxOpenRuns: number;
  private sweeper: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly metrics: Metrics,
    options: AutoRunOptions = {},
  ) {
    this.idleTimeoutMs = Math.max(0, options.idleTimeoutMs ?? 60_000);
    this.maxOpenRuns = Math.max(1, options.maxOpenRuns ?? 1000);
  }

  get size(): number {
    return this.open.size;
  }

  /** The run a model call belongs to (started when none matches), and the attempt number of the call. */
  begin(prompt: unknown, model: string | undefined): { run: MiddlewareRun; attempt: number } {
    const results = lastToolResults(prompt);
    let run: MiddlewareRun | undefined;
    for (const result of results) {
      run = this.byToolCall.get(result.id);
      if (run) break;
    }
    if (!run)
      for (const candidate of this.failedRuns)
        if (samePrompt(prompt, candidate.lastPrompt)) {
          run = candidate;
          break;
        }
    if (!run || run.recorder.ended) run = this.start(model);
    this.failedRuns.delete(run);
    for (const result of results)
      if (this.byToolCall.get(result.id) === run) this.byToolCall.delete(result.id);
    // a call in flight is not waited on forever either (a stream nobody reads never finishes)
    run.lastActivity = now();
    this.wait(run, this.idleTimeoutMs * 10);
    return { run, attempt: run.beginAttempt(prompt, results) };
  }

  /** After a successful attempt: a step without tool calls ends the run, else it waits for the next. */
  succeeded(run: MiddlewareRun, toolCalls: readonly ToolCallRef[]): void {
    run.lastActivity = now();
    run.failed = false;
    run.lastError = undefined;
    if (toolCalls.length === 0) {
      this.finish(run);
      return;
    }
    run.addToolCalls(toolCalls);
    for (const call of toolCalls) this.byToolCall.set(call.id, run);
    this.wait(run);
  }

  /** After a failed attempt: a retry may follow with the same prompt. */
  failed(run: MiddlewareRun, error: unknown): void {
    run.lastActivity = now();
    run.failed = true;
    run.lastError = error;
    this.failedRuns.add(run);
    this.wait(run);
  }

  /** Ends every open run now (e.g. before exit). */
  endAll(): void {
    for (const run of [...this.open]) this.finish(run);
  }

  private start(model: string | undefined): MiddlewareRun {
    if (this.open.size >= this.maxOpenRuns) {
      const oldest = this.open.values().next().value as MiddlewareRun;
      this.metrics.diagnostics.emit({
        type: 'run.evicted',
        level: 'warn',
        source: SOURCE,
        message: `more than ${this.maxOpenRuns} middleware runs open; the oldest was ended`,
      });
      this.finish(oldest);
    }
    const run = new MiddlewareRun(
      this.metrics.startInvocation({ providerType: 'AISDK', ...(model ? { model } : {}) }),
      true,
    );
    this.open.add(run);
    return run;
  }

  /** One timer for all waiting runs, ticking every `idleTimeoutMs` while any is open (never keeps the process alive). */
  private wait(run: MiddlewareRun, ms = this.idleTimeoutMs): void {
    run.deadline = run.lastActivity + ms;
    if (!this.sweeper) this.arm();
  }

  private arm(): void {
    this.sweeper = setTimeout(() => this.sweep(), Math.max(1, this.idleTimeoutMs));
    (this.sweeper as { unref?: () => void }).unref?.();
  }

  private sweep(): void {
    this.sweeper = undefined;
    const at = now();
    let waiting = false;
    for (const run of [...this.open]) {
      if (run.deadline === 0) continue;
      if (run.deadline <= at) this.finish(run);
      else waiting = true;
    }
    if (waiting) this.arm();
  }

  private finish(run: MiddlewareRun): void {
    run.deadline = 0;
    this.open.delete(run);
    this.failedRuns.delete(run);
    for (const id of run.pending.keys()) if (this.byToolCall.get(id) === run) this.byToolCall.delete(id);
    if (run.recorder.ended) return;
    if (run.failed) run.recorder.end({ error: run.lastError, endedAt: run.lastActivity });
    else run.recorder.end({ endedAt: run.lastActivity });
  }
}
