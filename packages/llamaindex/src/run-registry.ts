import type { Diagnostics } from '@metrics/core';
import { OPEN_RUNS_DEFAULTS, OpenRuns, type OpenRunsOptions } from '@metrics/core/adapter';
import type { RunState } from './run-state.js';
import { SOURCE } from './source.js';

/**
 * The adapter's open runs, on the core's `OpenRuns`: keyed by the run itself (runs started by
 * `instrument()` / `run(fn)`) or by the workflow run's context (runs seen only through the
 * callback manager). A run that never settles (LlamaIndex leaves an agent run pending after a
 * model error) is finished once silent for `openRunTimeoutMs`; its late events are dropped and
 * counted. A sweep timer (unref'd) runs while runs are open.
 */
export class RunRegistry {
  private readonly runs: OpenRuns<object, RunState>;
  private readonly sweepEveryMs: number;
  private timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param ended called when a run of this registry ends (finished or evicted), after it was
   * forgotten
   */
  constructor(
    diagnostics: Diagnostics,
    options: OpenRunsOptions,
    private readonly ended?: (state: RunState) => void,
  ) {
    const timeoutMs = options.openRunTimeoutMs ?? OPEN_RUNS_DEFAULTS.openRunTimeoutMs;
    this.runs = new OpenRuns<object, RunState>(
      (state, reason) =>
        state.giveUp(
          'TimeoutError',
          reason === 'silent'
            ? `the run was silent for ${timeoutMs} ms and never settled`
            : 'the run was finished to bound memory (maxOpenRuns)',
        ),
      diagnostics,
      SOURCE,
      options,
    );
    this.sweepEveryMs = Math.max(50, Math.min(timeoutMs / 4, 60_000));
  }

  get size(): number {
    return this.runs.size;
  }

  /** Events dropped because their run had been evicted. */
  get lateEvents(): number {
    return this.runs.lateEvents;
  }

  open(key: object, state: RunState): void {
    this.runs.add(key, state);
    state.onEnd = () => {
      this.runs.delete(key);
      this.ended?.(state);
    };
    state.seen = () => this.runs.get(key);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.sweepEveryMs);
      this.timer.unref?.();
    }
  }

  /** The open run under `key`, marked as seen (a late event of an evicted run is counted). */
  get(key: object): RunState | undefined {
    return this.runs.get(key);
  }

  /** The open run under `key`, not marked as seen. */
  peek(key: object): RunState | undefined {
    return this.runs.peek(key);
  }

  wasEvicted(key: object): boolean {
    return this.runs.wasEvicted(key);
  }

  /** Finishes every open run as it stands (shutdown). */
  finishAll(): void {
    this.runs.finishAll();
    this.stopSweeping();
  }

  private sweep(): void {
    this.runs.sweep();
    if (this.runs.size === 0) this.stopSweeping();
  }

  private stopSweeping(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
