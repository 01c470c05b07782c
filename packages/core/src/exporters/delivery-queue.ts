import type { ResourceMetric } from '../schema/resource-metric.js';
import type { DropPolicy } from './http-config.js';

/** A record waiting to be sent. */
export interface QueuedRecord {
  /** Its place in export order (the `accepted` count when it was exported). */
  seq: number;
  metric: ResourceMetric | undefined;
  /** The serialized record and its UTF-8 length, once serialized (off the caller's stack). */
  json: string | undefined;
  bytes: number;
}

/** Past this many taken slots (and half the array), the array is compacted. */
const COMPACT_AFTER = 1024;

/**
 * The bounded FIFO of records waiting to be sent. `shift` is O(1) (a moving head, compacted now
 * and then). Records taken into a batch that is still being built stay counted here (`count`)
 * until the batch is handed to delivery, so the bound and the accounting never lose them.
 */
export class DeliveryQueue {
  private items: QueuedRecord[] = [];
  private head = 0;
  private building: QueuedRecord[] | undefined;

  constructor(
    private readonly maxSize: number,
    private readonly policy: DropPolicy,
  ) {}

  /** Records waiting, not counting a batch being built. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Records waiting plus those in the batch being built: what `stats().queued` reports. */
  get count(): number {
    return this.length + (this.building?.length ?? 0);
  }

  /**
   * Adds a record under the drop policy. When the queue is full, `dropOne` is called once: for
   * the new record (`drop-newest`, which is then not added; returns `false`) or for the oldest
   * waiting one (`drop-oldest`, which is removed first).
   */
  push(record: QueuedRecord, dropOne: () => void): boolean {
    if (this.count >= this.maxSize) {
      if (this.policy === 'drop-newest' || this.length === 0) {
        dropOne();
        return false;
      }
      this.shift();
      dropOne();
    }
    this.items.push(record);
    return true;
  }

  peek(): QueuedRecord | undefined {
    return this.items[this.head];
  }

  shift(): QueuedRecord | undefined {
    const record = this.items[this.head];
    if (record === undefined) return undefined;
    this.items[this.head] = undefined as unknown as QueuedRecord;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > COMPACT_AFTER && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return record;
  }

  /** The `seq` of the oldest record not yet handed to delivery (a batch being built counts). */
  oldestSeq(): number | undefined {
    return (this.building?.[0] ?? this.peek())?.seq;
  }

  /** Starts a batch: the records moved into the returned array still count as queued. */
  startBatch(): QueuedRecord[] {
    const records: QueuedRecord[] = [];
    this.building = records;
    return records;
  }

  /** The batch being built was handed to delivery (or abandoned): its records stop counting here. */
  endBatch(): void {
    this.building = undefined;
  }

  /** Empties the waiting records; returns how many there were. */
  clearWaiting(): number {
    const count = this.length;
    this.items = [];
    this.head = 0;
    return count;
  }

  /** Empties the batch being built (its builder sees an empty array); returns how many it held. */
  clearBatch(): number {
    const building = this.building;
    if (!building) return 0;
    const count = building.length;
    building.length = 0;
    return count;
  }
}
