import { open } from 'node:fs/promises';
import type { RunStore } from '../store/run-store.js';
import { CollectorDbSource } from './collector-db-source.js';
import { JsonlSource } from './jsonl-source.js';
import type { RunSource } from './run-source.js';

const SQLITE_MAGIC = 'SQLite format 3\0';

/** True when the file starts with SQLite's header (a missing or empty file is not a database). */
export async function isSqliteFile(path: string): Promise<boolean> {
  try {
    const file = await open(path, 'r');
    try {
      const header = Buffer.alloc(SQLITE_MAGIC.length);
      const { bytesRead } = await file.read(header, 0, header.length, 0);
      return bytesRead === header.length && header.toString('latin1') === SQLITE_MAGIC;
    } finally {
      await file.close();
    }
  } catch {
    return false;
  }
}

/** A collector database when the file is SQLite (or named `.db`/`.sqlite`), else a JSONL events file. */
export async function openSource(path: string, store: RunStore): Promise<RunSource> {
  const database = (await isSqliteFile(path)) || /\.(db|sqlite3?)$/i.test(path);
  return database ? new CollectorDbSource(path, store) : new JsonlSource(path, store);
}
