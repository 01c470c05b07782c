import type { Diagnostics } from '../diagnostics.js';

export interface OpenRunsOptions {
  /**
   * A run that has been silent (no event) this long is taken to be abandoned: its record is
   * finished as it stands and its later events are dropped. Default 10 minutes. A sweep finishes it
   * (on an add at most once per quarter of this timeout, or the adapter's own timer): never early,
   * and up to about three eighths of the timeout late on a busy process.
   */
  openRunTimeoutMs?: number;
  /**
   * Most runs kept open at once, far above any real concurrency: a memory bound, not a limit on
   * the agent. Past it, the run silent the longest is finished as it stands. Default 100,000.
   */
  maxOpenRuns?: number;
}

// Marking a run as seen reads no clock. The adapter does it on every event it maps (about twenty
// per model call on a LangChain agent, where a `Date.now()` each cost 2.3 k instructions per model
// call), so it takes the next number of an event counter instead. The clock is read when a run is
// added and at a sweep, and such a reading is a mark: "every event numbered up to n happened at or
// before time t". A sweep evicts the runs whose last event is covered by a mark a full timeout
// old, so a run is never evicted before it has been silent for the timeout. The marks kept are the
// last reading before each gap of an eighth of the timeout since the last one kept: every two span
// at least that much, so a few dozen cover a timeout. The counter also gives the exact order of
// silence the memory bound needs (the clock's milliseconds tied). The clock is `Date.now()`, not
// the recorder's `now()`: minutes of silence need no sub-millisecond precision.

export const OPEN_RUNS_DEFAULTS = Object.freeze({ openRunTimeoutMs: 600_000, maxOpenRuns: 100_000 });

const NO_KEYS: readonly never[] = Object.freeze([]);

/** Keys of evicted runs remembered so their late events are dropped instead of starting new records. */
const MAX_EVICTED_KEYS = 10_000;

/** Every event numbered up to `upTo` happened at or before `at`. */
interface Mark {
  readonly upTo: number;
  readonly at: number;
}

interface Entry<K, V> extends OpenRun<K> {
  key: K;
  value: V;
  /** The number of its latest event (`add`, `seen` or `get`). */
  lastEvent: number;
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
  /** The event counter: each add, `seen` and `get` of an open run takes the next number. */
  private events = 0;
  /** The marks kept, oldest first; those older than the latest one a full timeout old are dropped. */
  private readonly marks: Mark[];
  /** The latest reading of the clock: kept as a mark once a reading comes an eighth of the timeout after the last mark kept. */
  private latest: Mark;
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
    this.latest = { upTo: 0, at: this.lastSweepAt };
    this.marks = [this.latest];
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
    const entry: Entry<K, V> = {
      key,
      value,
      lastEvent: ++this.events,
      links: undefined,
      attached: undefined,
    };
    this.runs.set(key, entry);
    this.read(at);
    if (at - this.lastSweepAt >= this.timeoutMs / 4) this.evictSilent(at);
    if (this.runs.size > this.max) this.evictLongestSilent();
    return entry;
  }

  /** Marks the run as seen (an event of it the adapter found through its own index). */
  seen(run: OpenRun<K>): void {
    (run as Entry<K, V>).lastEvent = ++this.events;
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
      entry.lastEvent = ++this.events;
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

  /** Evicts the runs known to have been silent for the timeout (their last event is covered by a mark that old). */
  sweep(at: number = Date.now()): void {
    this.read(at);
    this.evictSilent(at);
  }

  private evictSilent(at: number): void {
    this.lastSweepAt = at;
    let cut = -1;
    let upTo = 0;
    for (const mark of this.marks) {
      if (at - mark.at < this.timeoutMs) break;
      cut++;
      upTo = mark.upTo;
    }
    if (cut < 0) return;
    // the marks before the cut cover only runs evicted now; the cut itself stays, the base of the next
    this.marks.splice(0, cut);
    for (const entry of [...this.runs.values()]) if (entry.lastEvent <= upTo) this.evict(entry, 'silent');
  }

  /** A reading of the clock: the one before it is kept as a mark when this one comes an eighth of the timeout after the last kept. */
  private read(at: number): void {
    const { latest, marks } = this;
    const kept = marks[marks.length - 1];
    if (kept !== undefined && latest !== kept && at - kept.at >= this.timeoutMs / 8) marks.push(latest);
    // a clock that stepped back never dates an event earlier than a reading already made
    this.latest = { upTo: this.events, at: Math.max(at, latest.at) };
  }

  /** Past the memory bound: the run whose latest event is the oldest. */
  private evictLongestSilent(): void {
    let oldest: Entry<K, V> | undefined;
    for (const entry of this.runs.values()) if (!oldest || entry.lastEvent < oldest.lastEvent) oldest = entry;
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
