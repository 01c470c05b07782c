import type { DiagnosticListener, Diagnostics } from '../diagnostics.js';
import { ConfigurationError } from '../errors/metrics-error.js';
import type { InvocationExporter } from '../exporter.js';
import type { InvocationRecord } from '../recorder/record.js';
import { resolveDiagnosticsOption } from './diagnostics-option.js';
import { utf8Length } from './bytes.js';
import { FileAppender } from './file-appender.js';
import { toJsonlEvents } from './jsonl-events.js';
import { type Timer, startTimer, yieldToEventLoop } from './timers.js';

export interface JsonlExporterOptions {
  /** The file to append to (created, with its directory, when missing). */
  path: string;
  /** Also write one `llm_call` event per model call. Default false. */
  modelCalls?: boolean;
  /** How long records wait to be written together. Default 200 ms. */
  flushIntervalMs?: number;
  /** Records waiting or being written; beyond it new ones are dropped (counted). Default 10000. */
  maxBufferedRecords?: number;
  /** `flush()` deadline when the call gives none. Default 5000 ms. */
  flushTimeoutMs?: number;
  /** `shutdown()` deadline. Default 5000 ms. */
  shutdownTimeoutMs?: number;
  diagnostics?: Diagnostics | DiagnosticListener;
  logger?: Pick<Console, 'warn'> | false;
}

export type JsonlDropReason =
  | 'buffer_full'
  | 'write_error'
  | 'invalid'
  | 'after_shutdown'
  | 'shutdown_timeout';

export interface JsonlStats {
  accepted: number;
  /** Records whose lines reached the file. */
  written: number;
  dropped: Record<JsonlDropReason, number>;
  /** Waiting or being written. */
  pending: number;
}

const SOURCE = 'jsonl-exporter';
const SLICE_MS = 2;
const encoder = new TextEncoder();
/**
 * The most bytes given to one `write()`: whole lines only, well under the 512 KiB pieces Node's
 * `appendFile` splits a large string into (which interleaved with other processes' writes).
 */
export const JSONL_MAX_WRITE_BYTES = 64 * 1024;

interface Chunk {
  bytes: Uint8Array;
  records: number;
}

/**
 * Appends one line per event to a JSONL file: `llm_usage` (when usage was reported),
 * `invocation`, and optionally `llm_call` (see `toJsonlEvents`). Writes are batched and
 * asynchronous, one at a time; a write error is a diagnostic (the records are counted as
 * dropped), never a crash. Several processes may append to the same local file: each `write()`
 * holds whole lines (see `JSONL_MAX_WRITE_BYTES`) and the file is opened with `O_APPEND`.
 */
export class JsonlExporter implements InvocationExporter {
  readonly name = 'jsonl';
  readonly path: string;
  readonly diagnostics: Diagnostics;
  private readonly modelCalls: boolean;
  private readonly flushIntervalMs: number;
  private readonly maxBufferedRecords: number;
  private readonly flushTimeoutMs: number;
  private readonly shutdownTimeoutMs: number;
  private readonly appender: FileAppender;
  private queue: InvocationRecord[] = [];
  /** Records of the batch being written that are not written or dropped yet. */
  private writing = 0;
  private active = false;
  /** Records queued so far, and how many of them are settled (written or dropped), in order. */
  private enqueued = 0;
  private settled = 0;
  private waiters: Array<{ target: number; resolve: (ok: boolean) => void }> = [];
  private timer: Timer | undefined;
  private closing = false;
  private aborted = false;
  private shutdownPromise: Promise<void> | undefined;
  private accepted = 0;
  private written = 0;
  private readonly dropped: Record<JsonlDropReason, number> = {
    buffer_full: 0,
    write_error: 0,
    invalid: 0,
    after_shutdown: 0,
    shutdown_timeout: 0,
  };

  constructor(options: JsonlExporterOptions) {
    if (typeof options?.path !== 'string' || options.path.trim() === '') {
      throw new ConfigurationError({ option: 'path', message: 'JsonlExporter needs a file path' });
    }
    this.path = options.path;
    this.modelCalls = options.modelCalls === true;
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.maxBufferedRecords = options.maxBufferedRecords ?? 10_000;
    this.flushTimeoutMs = options.flushTimeoutMs ?? 5000;
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5000;
    this.diagnostics = resolveDiagnosticsOption(options.diagnostics, options.logger);
    this.appender = new FileAppender(this.path);
  }

  /** Buffers the record; synchronous, never throws. At most `maxBufferedRecords` wait or are being written. */
  export(record: InvocationRecord): void {
    this.accepted++;
    if (this.closing) {
      this.drop('after_shutdown', 1);
      return;
    }
    if (this.queue.length + this.writing >= this.maxBufferedRecords) {
      this.drop('buffer_full', 1);
      return;
    }
    this.queue.push(record);
    this.enqueued++;
    this.timer ??= startTimer(() => {
      this.timer = undefined;
      this.kick();
    }, this.flushIntervalMs);
  }

  /**
   * Writes everything exported before the call; resolves when it is on disk or finally failed,
   * or at the deadline (`timeoutMs`, default `flushTimeoutMs`), whichever comes first; what is
   * not written by then stays queued. Never rejects.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.drain(options);
  }

  /** Like `flush()`, resolving `true` when everything exported before the call settled, `false` at the deadline. */
  drain(options: { timeoutMs?: number } = {}): Promise<boolean> {
    const target = this.enqueued;
    if (this.settled >= target) return Promise.resolve(true);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const timeoutMs = Math.max(0, options?.timeoutMs ?? this.flushTimeoutMs);
    return new Promise<boolean>((resolve) => {
      const waiter = {
        target,
        resolve: (ok: boolean) => {
          clearTimeout(deadline);
          resolve(ok);
        },
      };
      const deadline = startTimer(
        () => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        },
        timeoutMs,
        true,
      );
      this.waiters.push(waiter);
      this.kick();
    });
  }

  /**
   * Refuses new records, then flushes within `timeoutMs` (default `shutdownTimeoutMs`); at the
   * deadline, what is not written is dropped (`shutdown_timeout`) and waiting on the file stops.
   * Idempotent. Never rejects.
   */
  shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    this.closing = true;
    const timeoutMs = options?.timeoutMs ?? this.shutdownTimeoutMs;
    this.shutdownPromise = this.drain({ timeoutMs }).then((ok) => {
      if (!ok) this.abandon();
    });
    return this.shutdownPromise;
  }

  stats(): JsonlStats {
    return {
      accepted: this.accepted,
      written: this.written,
      dropped: { ...this.dropped },
      pending: this.queue.length + this.writing,
    };
  }

  private kick(): void {
    if (this.active || this.aborted) return;
    this.active = true;
    void this.run();
  }

  /** The one writer: takes everything queued, writes it, and goes on while more arrived. */
  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.aborted) {
        const records = this.queue;
        this.queue = [];
        this.writing = records.length;
        const chunks = await this.serialize(records);
        if (this.aborted) return;
        const { written, error } = await this.appender.append(
          chunks.map((chunk) => chunk.bytes),
          (index) => {
            const count = chunks[index]!.records;
            if (this.settle(count)) this.written += count;
          },
        );
        const left = chunks.slice(written).reduce((sum, chunk) => sum + chunk.records, 0);
        if (left > 0 && error !== undefined && this.settle(left)) this.drop('write_error', left, error);
      }
    } catch (error) {
      this.diagnostics.reportError(SOURCE, error, 'the JSONL writer failed');
      if (this.writing > 0) {
        const left = this.writing;
        if (this.settle(left)) this.drop('write_error', left);
      }
    } finally {
      this.active = false;
      if (this.timer === undefined && this.queue.length > 0 && !this.aborted) this.kick();
    }
  }

  /** Lines of each record, grouped into chunks of whole records of at most `JSONL_MAX_WRITE_BYTES`. */
  private async serialize(records: InvocationRecord[]): Promise<Chunk[]> {
    const chunks: Chunk[] = [];
    let text = '';
    let bytes = 0;
    let count = 0;
    let sliceStart = performance.now();
    for (const record of records) {
      const lines = this.lines(record);
      if (lines !== undefined) {
        const size = utf8Length(lines);
        if (count > 0 && bytes + size > JSONL_MAX_WRITE_BYTES) {
          chunks.push({ bytes: encoder.encode(text), records: count });
          text = '';
          bytes = 0;
          count = 0;
        }
        text += lines;
        bytes += size;
        count++;
      }
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldToEventLoop(true);
        sliceStart = performance.now();
        if (this.aborted) return [];
      }
    }
    if (count > 0) chunks.push({ bytes: encoder.encode(text), records: count });
    return chunks;
  }

  /** A record's lines, or `undefined` (counted as `invalid`) when it cannot be serialized. */
  private lines(record: InvocationRecord): string | undefined {
    try {
      const events = toJsonlEvents(record, { modelCalls: this.modelCalls });
      if (events.length === 0) throw new TypeError('not a finished invocation record');
      let text = '';
      for (const event of events) text += `${JSON.stringify(event)}\n`;
      return text;
    } catch (error) {
      if (this.settle(1)) this.drop('invalid', 1);
      this.diagnostics.reportError(SOURCE, error, 'a record could not be serialized');
      return undefined;
    }
  }

  /** Takes `count` records of the current batch off the pending count; false when shutdown already counted them. */
  private settle(count: number): boolean {
    if (this.writing < count) return false;
    this.writing -= count;
    this.settled += count;
    this.checkWaiters();
    return true;
  }

  private checkWaiters(): void {
    if (this.waiters.length === 0) return;
    const done = this.waiters.filter((waiter) => this.settled >= waiter.target);
    if (done.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => this.settled < waiter.target);
    for (const waiter of done) waiter.resolve(true);
  }

  /** At the shutdown deadline: everything not written is dropped and waiting on the file stops. */
  private abandon(): void {
    this.aborted = true;
    this.appender.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const left = this.queue.length + this.writing;
    this.queue = [];
    this.writing = 0;
    this.settled += left;
    if (left > 0) this.drop('shutdown_timeout', left);
  }

  private drop(reason: JsonlDropReason, count: number, error?: unknown): void {
    this.dropped[reason] += count;
    const code = (error as { code?: unknown } | undefined)?.code;
    this.diagnostics.emit({
      type: 'record.dropped',
      level: 'warn',
      source: SOURCE,
      message: `dropped ${count} record(s) (${reason})${typeof code === 'string' ? `: ${code} writing ${this.path}` : ''}`,
      data: { reason, count, ...(typeof code === 'string' ? { code } : {}) },
    });
  }
}
