import { utf8Length } from './bytes.js';
import type { DeliveryQueue, QueuedRecord } from './delivery-queue.js';
import type { DropData, DropReason } from './delivery-stats.js';
import { yieldToEventLoop } from './timers.js';

/** One request body and what it holds. */
export interface BatchPayload {
  count: number;
  /** The `seq` of its first (oldest) record. */
  minSeq: number;
  /** `{"resourceMetrics":[...]}` as UTF-8. */
  body: Uint8Array;
}

export interface BatchLimits {
  /** Records per request. */
  maxBatchSize: number;
  /** UTF-8 bytes per request body. */
  maxBatchBytes: number;
}

export interface BatcherHooks {
  drop(reason: DropReason, count: number, data: DropData): void;
  /** True once the shutdown deadline passed: stop and build nothing more. */
  stopped(): boolean;
  /** An error's message, safe to print. */
  describe(error: unknown): string;
}

const PREFIX = new TextEncoder().encode('{"resourceMetrics":[');
const SUFFIX = new TextEncoder().encode(']}');
const OVERHEAD = PREFIX.length + SUFFIX.length;
const COMMA = 0x2c;
/** The longest synchronous slice of serialization before yielding to the event loop. */
const SLICE_MS = 2;

/** Yields to the event loop once more than `SLICE_MS` passed since the last yield. */
function createBreather(keepAlive: boolean): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToEventLoop(keepAlive);
      sliceStart = performance.now();
    }
  };
}

/**
 * Takes records off the queue into request bodies within the request limits: serialized record
 * by record (never one giant `JSON.stringify`), encoded straight into an exactly sized buffer,
 * yielding to the event loop every few milliseconds. A record that cannot be serialized, or that
 * alone is over the byte limit, is dropped (`invalid`).
 */
export class Batcher {
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly limits: BatchLimits,
    private readonly hooks: BatcherHooks,
  ) {}

  /**
   * Builds the next batch and gives it to `handOff`, in the same synchronous step that stops
   * counting its records as queued (so they are always counted once). Resolves with what
   * `handOff` returned, or `undefined` when there was nothing to send or the deadline passed.
   */
  async build<T>(keepAlive: boolean, handOff: (payload: BatchPayload) => T): Promise<T | undefined> {
    const records = this.queue.startBatch();
    const breathe = createBreather(keepAlive);
    try {
      const size = await this.collect(records, breathe);
      if (records.length === 0) return undefined;
      const body = await this.encode(records, size, breathe);
      // At the shutdown deadline the exporter already counted (and emptied) this batch.
      if (this.hooks.stopped()) return undefined;
      return handOff({ count: records.length, minSeq: records[0]!.seq, body });
    } finally {
      this.queue.endBatch();
    }
  }

  /** Moves records from the queue into `records` while they fit; returns the body's size. */
  private async collect(records: QueuedRecord[], breathe: () => Promise<void>): Promise<number> {
    const { maxBatchSize, maxBatchBytes } = this.limits;
    let size = OVERHEAD;
    while (records.length < maxBatchSize && !this.hooks.stopped()) {
      const record = this.queue.peek();
      if (record === undefined) break;
      if (record.json === undefined && !this.serialize(record)) continue;
      const extra = record.bytes + (records.length > 0 ? 1 : 0);
      if (size + extra > maxBatchBytes) break;
      this.queue.shift();
      records.push(record);
      size += extra;
      await breathe();
    }
    return size;
  }

  /** Serializes the head record in place; drops it (and returns `false`) when that fails or it is too large. */
  private serialize(record: QueuedRecord): boolean {
    const { maxBatchBytes } = this.limits;
    try {
      record.json = JSON.stringify(record.metric);
      record.bytes = utf8Length(record.json);
      record.metric = undefined;
    } catch (error) {
      this.queue.shift();
      this.hooks.drop('invalid', 1, { detail: `not serializable: ${this.hooks.describe(error)}` });
      return false;
    }
    if (OVERHEAD + record.bytes > maxBatchBytes) {
      this.queue.shift();
      this.hooks.drop('invalid', 1, {
        detail: `the record serializes to ${record.bytes} bytes, over the ${maxBatchBytes}-byte request limit`,
      });
      return false;
    }
    return true;
  }

  private async encode(
    records: QueuedRecord[],
    size: number,
    breathe: () => Promise<void>,
  ): Promise<Uint8Array> {
    const body = new Uint8Array(size);
    body.set(PREFIX, 0);
    let offset = PREFIX.length;
    for (let index = 0; index < records.length && !this.hooks.stopped(); index++) {
      if (index > 0) body[offset++] = COMMA;
      offset += this.encoder.encodeInto(records[index]!.json!, body.subarray(offset)).written;
      await breathe();
    }
    body.set(SUFFIX, offset);
    return body;
  }
}
