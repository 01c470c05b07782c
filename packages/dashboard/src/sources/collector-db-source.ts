import { type ResourceMetric, SCHEMA_VERSION } from '@metrics/core';
import type { RunRow } from '../store/run-row.js';
import { PollingSource } from './run-source.js';

/** The part of `node:sqlite`'s DatabaseSync read here. */
interface Database {
  prepare(sql: string): { all(...params: Array<string | number>): unknown[] };
  close(): void;
}

const BATCH = 5000;

async function openReadOnly(path: string): Promise<Database> {
  // Loaded lazily, like @metrics/testkit's collector: the package loads on runtimes without node:sqlite.
  const name = 'node:sqlite';
  const sqlite = (await import(/* @vite-ignore */ name)) as {
    DatabaseSync: new (path: string, options: { readOnly: boolean; timeout: number }) => Database;
  };
  return new sqlite.DatabaseSync(path, { readOnly: true, timeout: 100 });
}

export function isLockedError(error: unknown): boolean {
  const e = error as { errcode?: number; message?: string };
  return e?.errcode === 5 || e?.errcode === 6 || /database is locked|busy/i.test(e?.message ?? '');
}

function isResourceMetric(value: unknown): value is ResourceMetric {
  const r = value as Partial<ResourceMetric> | null;
  return typeof r === 'object' && r !== null && typeof r.sessionId === 'string' && typeof r.time === 'number';
}

/**
 * Follows the reference collector's SQLite database (`startCollector({ databasePath })`), read-only.
 * While the collector holds a write lock a read is skipped and counted (`database_locked`), then retried.
 */
export class CollectorDbSource extends PollingSource {
  readonly kind = 'collector-db' as const;
  private db: Database | undefined;
  private lastId = 0;

  async readRecord(row: RunRow): Promise<unknown> {
    const db = await this.open();
    const [found] = db.prepare('SELECT record FROM resource_metrics WHERE id = ?').all(row.offset) as Array<{
      record: string;
    }>;
    return found ? JSON.parse(found.record) : undefined;
  }

  override async close(): Promise<void> {
    await super.close();
    this.db?.close();
    this.db = undefined;
  }

  private async open(): Promise<Database> {
    this.db ??= await openReadOnly(this.path);
    return this.db;
  }

  protected async readNew(): Promise<void> {
    try {
      const db = await this.open();
      for (let more = true; more; await new Promise((r) => setImmediate(r))) {
        more = this.readBatch(db) === BATCH;
      }
      this.problem = undefined;
    } catch (error) {
      if (isLockedError(error)) this.store.skip('database_locked');
      else this.problem = `cannot read ${this.path}: ${(error as Error).message}`;
    }
  }

  private readBatch(db: Database): number {
    const rows = db
      .prepare('SELECT id, record FROM resource_metrics WHERE id > ? ORDER BY id LIMIT ?')
      .all(this.lastId, BATCH) as Array<{ id: number; record: string }>;
    for (const row of rows) {
      this.lastId = row.id;
      this.addRow(row.id, row.record);
    }
    return rows.length;
  }

  private addRow(id: number, text: string): void {
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      this.store.skip('unreadable');
      return;
    }
    if (!isResourceMetric(record)) this.store.skip('invalid_record');
    else if (record.schemaVersion !== SCHEMA_VERSION) this.store.skip('unknown_version');
    else this.store.addResourceMetric(record, id);
  }
}
