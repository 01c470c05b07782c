import type { ResourceMetric } from '@metrics/core';

/** The part of `node:sqlite`'s DatabaseSync this package uses. */
interface Database {
  exec(sql: string): void;
  prepare(sql: string): {
    run(...params: Array<string | number | null>): unknown;
    all(...params: Array<string | number | null>): unknown[];
  };
  close(): void;
}

export interface StoredRequest {
  id: number;
  receivedAt: number;
  method: string;
  path: string;
  status: number;
  bytes: number;
  accepted: number;
  error: string | null;
}

export interface StoredRecord {
  id: number;
  requestId: number;
  receivedAt: number;
  record: ResourceMetric;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at INTEGER NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  accepted INTEGER NOT NULL,
  error TEXT
);
CREATE TABLE IF NOT EXISTS resource_metrics (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id INTEGER NOT NULL REFERENCES requests(id),
  received_at INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  provider_type TEXT NOT NULL,
  ext_model_id TEXT,
  input_token_count INTEGER,
  output_token_count INTEGER,
  record TEXT NOT NULL
);
`;

async function openDatabase(path: string): Promise<Database> {
  let sqlite: { DatabaseSync: new (path: string) => Database };
  try {
    // Loaded lazily: the package must still load on runtimes without node:sqlite.
    const name = 'node:sqlite';
    sqlite = (await import(/* @vite-ignore */ name)) as typeof sqlite;
  } catch (error) {
    throw new Error(
      `@metrics/testkit: persisting to ${path} needs node:sqlite (Node 22.13+ / 24): ${(error as Error).message}`,
    );
  }
  const db = new sqlite.DatabaseSync(path);
  db.exec(SCHEMA);
  return db;
}

/** Persists what the collector received into an SQLite file (via `node:sqlite`). */
export class SqliteStore {
  private constructor(private readonly db: Database) {}

  static async open(path: string): Promise<SqliteStore> {
    return new SqliteStore(await openDatabase(path));
  }

  save(
    request: {
      receivedAt: number;
      method: string;
      path: string;
      status: number;
      bytes: number;
      error?: string;
    },
    records: readonly ResourceMetric[],
  ): void {
    this.db.exec('BEGIN');
    try {
      const result = this.db
        .prepare(
          'INSERT INTO requests (received_at, method, path, status, bytes, accepted, error) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          request.receivedAt,
          request.method,
          request.path,
          request.status,
          request.bytes,
          records.length,
          request.error ?? null,
        ) as { lastInsertRowid: number | bigint };
      const insert = this.db.prepare(
        'INSERT INTO resource_metrics (request_id, received_at, session_id, provider_type, ext_model_id, input_token_count, output_token_count, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const record of records) {
        insert.run(
          Number(result.lastInsertRowid),
          request.receivedAt,
          record.sessionId,
          record.providerType,
          record.extModelId ?? null,
          record.inputTokenCount ?? null,
          record.outputTokenCount ?? null,
          JSON.stringify(record),
        );
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }
}

/** Reads back what a collector persisted with `{ databasePath }`. */
export async function readCollectorDatabase(
  path: string,
): Promise<{ records: StoredRecord[]; requests: StoredRequest[] }> {
  const db = await openDatabase(path);
  try {
    const records = (
      db
        .prepare('SELECT id, request_id, received_at, record FROM resource_metrics ORDER BY id')
        .all() as Array<{
        id: number;
        request_id: number;
        received_at: number;
        record: string;
      }>
    ).map((row) => ({
      id: row.id,
      requestId: row.request_id,
      receivedAt: row.received_at,
      record: JSON.parse(row.record) as ResourceMetric,
    }));
    const requests = (
      db
        .prepare(
          'SELECT id, received_at, method, path, status, bytes, accepted, error FROM requests ORDER BY id',
        )
        .all() as Array<Record<string, unknown>>
    ).map((row) => ({
      id: row.id as number,
      receivedAt: row.received_at as number,
      method: row.method as string,
      path: row.path as string,
      status: row.status as number,
      bytes: row.bytes as number,
      accepted: row.accepted as number,
      error: (row.error as string | null) ?? null,
    }));
    return { records, requests };
  } finally {
    db.close();
  }
}
