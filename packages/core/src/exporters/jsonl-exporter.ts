import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DiagnosticListener, Diagnostics } from '../diagnostics.js';
import { ConfigurationError } from '../errors/metrics-error.js';
import type { InvocationExporter } from '../exporter.js';
import type { InvocationRecord } from '../recorder/record.js';
import { resolveDiagnosticsOption } from './diagnostics-option.js';
import { toJsonlEvents } from './jsonl-events.js';
import { type Timer, startTimer, yieldToEventLoop } from './timers.js';

export interface JsonlExporterOptions {
  /** The file to append to (created, with its directory, when missing). */
  path: string;
  /** Also write one `llm_call` event per model call. Default false. */
  modelCalls?: boolean;
  /** How long records wait to be written together. Default 200 ms. */
  flushIntervalMs?: number;
  /** Records waiting to be written; beyond it new ones are dropped (counted). Default 10000. */
  maxBufferedRecords?: number;
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

/**
 * Appends one line per event to a JSONL file: `llm_usage` (when usage was reported),
 * `invocation`, and optionally `llm_call` (see `toJsonlEvents`). Writes are batched and
 * asynchronous; a write error is a diagnostic (the records are counted as dropped), never a crash.
 */
export class JsonlExporter implements InvocationExporter {
  readonly name = 'jsonl';
  readonly path: string;
  readonly diagnostics: Diagnostics;
  private readonly modelCalls: boolean;
  private readonly flushIntervalMs: number;
  private readonly maxBufferedRecords: number;
  private readonly shutdownTimeoutMs: number;
  private buffer: InvocationRecord[] = [];
  private writing = 0;
  private chain: Promise<void> = Promise.resolve();
  private timer: Timer | undefined;
  private closing = false;
  private shutdownPromise: Promise<void> | undefined;
  private dirReady = false;
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
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5000;
    this.diagnostics = resolveDiagnosticsOption(options.diagnostics, options.logger);
  }

  /** Buffers the record; synchronous, never throws. */
  export(record: InvocationRecord): void {
    this.accepted++;
    if (this.closing) {
      this.drop('after_shutdown', 1);
      return;
    }
    if (this.buffer.length >= this.maxBufferedRecords) {
      this.drop('buffer_full', 1);
      return;
    }
    this.buffer.push(record);
    this.timer ??= startTimer(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushIntervalMs);
  }

  /** Writes everything exported before the call; resolves when it is on disk or finally failed. Never rejects. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const records = this.buffer;
    this.buffer = [];
    if (records.length === 0) return this.chain;
    this.writing += records.length;
    this.chain = this.chain.then(() => this.write(records));
    return this.chain;
  }

  /** Refuses new records, then flushes within `timeoutMs` (default `shutdownTimeoutMs`). Idempotent. */
  shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    this.closing = true;
    const timeoutMs = options.timeoutMs ?? this.shutdownTimeoutMs;
    this.shutdownPromise = new Promise<void>((resolve) => {
      const timer = startTimer(
        () => {
          // A write already handed to the OS cannot be taken back; what is left is counted.
          if (this.writing > 0) {
            const left = this.writing;
            this.writing = 0;
            this.drop('shutdown_timeout', left);
          }
          resolve();
        },
        timeoutMs,
        true,
      );
      void this.flush().then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.shutdownPromise;
  }

  stats(): JsonlStats {
    return {
      accepted: this.accepted,
      written: this.written,
      dropped: { ...this.dropped },
      pending: this.buffer.length + this.writing,
    };
  }

  private async write(records: InvocationRecord[]): Promise<void> {
    const lines: string[] = [];
    let sliceStart = performance.now();
    for (const record of records) {
      try {
        const events = toJsonlEvents(record, { modelCalls: this.modelCalls });
        let text = '';
        for (const event of events) text += `${JSON.stringify(event)}\n`;
        lines.push(text);
      } catch (error) {
        if (this.settle(1)) this.drop('invalid', 1);
        this.diagnostics.reportError(SOURCE, error, 'a record could not be serialized');
      }
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldToEventLoop(true);
        sliceStart = performance.now();
      }
    }
    if (lines.length === 0) return;
    try {
      if (!this.dirReady) {
        await mkdir(dirname(this.path), { recursive: true });
        this.dirReady = true;
      }
      await appendFile(this.path, lines.join(''), 'utf8');
      if (this.settle(lines.length)) this.written += lines.length;
    } catch (error) {
      this.dirReady = false;
      if (this.settle(lines.length)) this.drop('write_error', lines.length, error);
    }
  }

  /** Takes `count` records off the pending count; false when shutdown already counted them. */
  private settle(count: number): boolean {
    if (this.writing < count) return false;
    this.writing -= count;
    return true;
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
