import type { InvocationRecord, ResourceMetric } from '@metrics/core';
import { type SkipReason, type SkippedCounts, emptySkipped } from '../events/skipped.js';
import { fromInvocationRecord } from './from-invocation-record.js';
import { fromResourceMetric } from './from-resource-metric.js';
import { type ToolNameTotals, addCallErrorClasses, addToolNames } from './record-details.js';
import type { RunRow } from './run-row.js';

/**
 * Every run read so far, in arrival order, with the indexes the API needs (by run id, by session)
 * and the totals that only full records carry (tool names, error classes of model calls).
 * `version` changes whenever anything the page shows changes.
 */
export class RunStore {
  readonly rows: RunRow[] = [];
  readonly sessions = new Map<string, number[]>();
  readonly toolsByName = new Map<string, ToolNameTotals>();
  readonly callErrorClasses = new Map<string, number>();
  readonly skipped: SkippedCounts = emptySkipped();
  version = 0;
  private memoVersion = -1;
  private readonly memos = new Map<string, unknown>();
  private readonly byId = new Map<string, number>();
  private readonly pendingCalls = new Map<string, number>();

  /** Adds the record of an `invocation` event found at `offset` (`length` bytes) of the file. */
  addRecord(record: InvocationRecord, offset: number, length: number): void {
    const row = fromInvocationRecord(record, offset, length);
    if (!this.addRow(row)) return;
    row.llmCallEvents = this.pendingCalls.get(row.runId) ?? 0;
    this.pendingCalls.delete(row.runId);
    addToolNames(record, this.toolsByName);
    addCallErrorClasses(record, this.callErrorClasses);
  }

  /** Adds a record the collector stored in row `rowId`. */
  addResourceMetric(record: ResourceMetric, rowId: number): void {
    this.addRow(fromResourceMetric(record, rowId));
  }

  /** Counts an `llm_call` event; it precedes the `invocation` event of its top-level run. */
  noteLlmCall(rootRunId: string): void {
    this.pendingCalls.set(rootRunId, (this.pendingCalls.get(rootRunId) ?? 0) + 1);
  }

  skip(reason: SkipReason, count = 1): void {
    if (count === 0) return;
    this.skipped[reason] += count;
    this.version++;
  }

  /** Sets a count outright (for a state that comes and goes, like an incomplete last line). */
  setSkipped(reason: SkipReason, count: number): void {
    if (this.skipped[reason] === count) return;
    this.skipped[reason] = count;
    this.version++;
  }

  /** `compute()`'s result, kept until anything changes (aggregates of 100,000 runs are not free). */
  memo<T>(key: string, compute: () => T): T {
    if (this.memoVersion !== this.version) {
      this.memos.clear();
      this.memoVersion = this.version;
    }
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  get(runId: string): RunRow | undefined {
    const index = this.byId.get(runId);
    return index === undefined ? undefined : this.rows[index];
  }

  /** Forgets everything (the file was truncated or replaced). */
  clear(): void {
    this.rows.length = 0;
    this.sessions.clear();
    this.toolsByName.clear();
    this.callErrorClasses.clear();
    this.byId.clear();
    this.pendingCalls.clear();
    Object.assign(this.skipped, emptySkipped());
    this.version++;
  }

  private addRow(row: RunRow): boolean {
    if (this.byId.has(row.runId)) {
      this.skip('duplicate_run');
      return false;
    }
    const index = this.rows.push(row) - 1;
    this.byId.set(row.runId, index);
    if (row.sessionId !== null) {
      const members = this.sessions.get(row.sessionId);
      if (members) members.push(index);
      else this.sessions.set(row.sessionId, [index]);
    }
    this.version++;
    return true;
  }
}
