import type { Diagnostics } from '../diagnostics.js';

export interface OpenRunsOptions {
  /**
   * A run that has been silent (no event) this long is taken to be abandoned: its record is
   * finished as it stands and its later events are dropped. Default 10 minutes.
   */
  openRunTimeoutMs?: number;
  /**
   * Most runs kept open at once, far above any real concurrency: a memory bound, not a limit on
   * the agent. Past it, the run silent the longest is finished as it stands. Default 100,000.
   */
  maxOpenRuns?: number;
}

// The clock of silence is `Date.now()`, not the recorder's `now()`: a run is marked as seen on
// every event the adapter maps, several per model call, and the monotonic clock costs four times
// as much per read in the engine's baseline tier (1.9 k instructions against 0.4 k); minutes of
// silence need no sub-millisecond precision.

export const OPEN_RUNS_DEFAULTS = Object.freeze({ openRunTimeoutMs: 600_000, maxOpenRuns: 100_000 });

const NO_KEYS: readonly never[] = Object.freeze([]);

/** Keys of evicted runs remembered so their late events are dropped instead of starting new records. */
const MAX_EVICTED_KEYS = 10_000;

interface Entry<K, V> extends OpenRun<K> {
  key: K;
  value: V;
  lastSeenAt: number;
  /** Other keys that lead to this run (the framework's ids of its child runs, spans, steps). */
  links: K[] | undefined;
  /** Keys the adapter tracks itself and `attach`ed to this run: dropped, not looked up, once it is evicted. */
  attached: K[] | undefined;
}

/**
 * An open run's handle (`add` returns it): an adapter that keeps its own index of a run's child
 * keys marks the run as seen (`seen`) and ties child keys to it (`attach`) without a lookup.
 */
export interface OpenRun<K> {
  readonly key: K;
}

/**
 * The open runs of an adapter, by the framework's run key (a run id, a trace id, a context
 * object). Never evicts a live run: only a run silent for `openRunTimeoutMs`, or, past the
 * generous `maxOpenRuns` bound, the one silent the longest. An evicted run is finished through
 * `finish` (its record kept, with a `runs.evicted` diagnostic), and its later events are dropped
 * and counted (`runs.late-event`), never recorded as a new run.
 */
export class OpenRuns<K, V> {
  private readonly runs = new Map<K, Entry<K, V>>();
  private readonly linked = new Map<K, Entry<K, V>>();
  private readonly evicted = new Set<K>();
  private readonly timeoutMs: number;
  private readonly max: number;
  private lastSweepAt: number;
  /** Events that arrived for a run after it was evicted (dropped). */
  lateEvents = 0;
  /** Runs finished by eviction. */
  evictions = 0;

  constructor(
    private readonly finish: (value: V, reason: 'silent' | 'over-bound') => void,
    private readonly diagnostics: Diagnostics,
    private readonly source: string,
    options: OpenRunsOptions = {},
  ) {
    this.timeoutMs = positive(options.openRunTimeoutMs) ?? OPEN_RUNS_DEFAULTS.openRunTimeoutMs;
    this.max = positive(options.maxOpenRuns) ?? OPEN_RUNS_DEFAULTS.maxOpenRuns;
    this.lastSweepAt = Date.now();
  }

  get size(): number {
    return this.runs.size;
  }

  /**
   * Opens a run and returns its handle. Sweeps silent runs now and then (amortized: at most once
   * per quarter timeout).
   */
  add(key: K, value: V): OpenRun<K> {
    const at = Date.now();
    // a key reused after its run was evicted starts a run again (checked only when any was evicted)
    if (this.evicted.size > 0) this.evicted.delete(key);
    const entry: Entry<K, V> = { key, value, lastSeenAt: at, links: undefined, attached: undefined };
    this.runs.set(key, entry);
    if (at - this.lastSweepAt >= this.timeoutMs / 4) this.sweep(at);
    if (this.runs.size > this.max) this.evictLongestSilent();
    return entry;
  }

  /** Marks the run as seen (an event of it the adapter found through its own index). */
  seen(run: OpenRun<K>): void {
    (run as Entry<K, V>).lastSeenAt = Date.now();
  }

  /**
   * Ties `key` (a child run the adapter indexes itself) to the run: once the run is evicted, the
   * late events of `key` are dropped like the run's own (`wasEvicted`, `get`). Costs no lookup;
   * the adapter forgets its own index entry when the child ends.
   */
  attach(run: OpenRun<K>, key: K): void {
    const entry = run as Entry<K, V>;
    entry.attached ??= [];
    entry.attached.push(key);
  }

  /** The keys attached to a run, in the order attached (to forget the adapter's index entries of a run that ended). */
  attachedKeys(run: OpenRun<K>): readonly K[] {
    return (run as Entry<K, V>).attached ?? NO_KEYS;
  }

  /**
   * Makes `key` lead to the open run under `runKey` too (a child run's id), until that run is
   * deleted or evicted. Returns `false` when there is no such open run.
   */
  link(key: K, runKey: K): boolean {
    const entry = this.runs.get(runKey) ?? this.linked.get(runKey);
    if (!entry) return false;
    this.linked.set(key, entry);
    entry.links ??= [];
    entry.links.push(key);
    return true;
  }

  /** Forgets one linked key (a child run that ended) without touching its run. */
  unlink(key: K): void {
    this.linked.delete(key);
  }

  /** The open run under `key`, marked as seen; `undefined` when there is none (a late event of an evicted run is counted). */
  get(key: K): V | undefined {
    const entry = this.runs.get(key) ?? this.linked.get(key);
    if (entry) {
      entry.lastSeenAt = Date.now();
      return entry.value;
    }
    if (this.evicted.has(key)) this.late(key);
    return undefined;
  }

  /** Whether the run under `key` was evicted (its events must be dropped, not start a new run). */
  wasEvicted(key: K): boolean {
    return this.evicted.has(key);
  }

  /** The open run under `key` without marking it as seen. */
  peek(key: K): V | undefined {
    return (this.runs.get(key) ?? this.linked.get(key))?.value;
  }

  /** Forgets a run that ended normally, with its linked keys. */
  delete(key: K): boolean {
    const entry = this.runs.get(key);
    if (!entry) return false;
    this.forget(entry);
    return true;
  }

  private forget(entry: Entry<K, V>): void {
    this.runs.delete(entry.key);
    if (entry.links)
      for (const link of entry.links) if (this.linked.get(link) === entry) this.linked.delete(link);
  }

  values(): IterableIterator<V> {
    const entries = this.runs.values();
    return {
      next: () => {
        const step = entries.next();
        return step.done ? { done: true, value: undefined } : { done: false, value: step.value.value };
      },
      [Symbol.iterator]() {
        return this;
      },
    };
  }

  /** Finishes every open run (shutdown). */
  finishAll(): void {
    const all = [...this.runs.values()];
    this.runs.clear();
    this.linked.clear();
    for (const entry of all) this.safeFinish(entry.value, 'silent');
  }

  /** Evicts the runs silent for longer than the timeout. */
  sweep(at: number = Date.now()): void {
    this.lastSweepAt = at;
    for (const entry of [...this.runs.values()])
      if (at - entry.lastSeenAt >= this.timeoutMs) this.evict(entry, 'silent');
  }

  private evictLongestSilent(): void {
    let oldest: Entry<K, V> | undefined;
    for (const entry of this.runs.values())
      if (!oldest || entry.lastSeenAt < oldest.lastSeenAt) oldest = entry;
    if (oldest) this.evict(oldest, 'over-bound');
  }

  private evict(entry: Entry<K, V>, reason: 'silent' | 'over-bound'): void {
    this.forget(entry);
    this.remember(entry.key);
    if (entry.links) for (const link of entry.links) this.remember(link);
    if (entry.attached) for (const key of entry.attached) this.remember(key);
    this.evictions++;
    this.diagnostics.emit({
      type: 'runs.evicted',
      level: 'warn',
      source: this.source,
      message:
        reason === 'silent'
          ? `a run silent for ${this.timeoutMs} ms was finished as it stands (its end never arrived)`
          : `more than ${this.max} runs were open; the one silent the longest was finished as it stands`,
    });
    this.safeFinish(entry.value, reason);
  }

  private remember(key: K): void {
    if (this.evicted.size >= MAX_EVICTED_KEYS) this.evicted.delete(this.evicted.values().next().value as K);
    this.evicted.add(key);
  }

  private safeFinish(value: V, reason: 'silent' | 'over-bound'): void {
    try {
      this.finish(value, reason);
    } catch (error) {
      this.diagnostics.reportError(this.source, error, 'finishing an evicted run failed');
    }
  }

  private late(key: K): void {
    this.lateEvents++;
    this.diagnostics.emit({
      type: 'runs.late-event',
      level: 'debug',
      source: this.source,
      message: `an event of an evicted run (${String(key).slice(0, 64)}) was dropped`,
    });
  }
}

function positive(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
