import { type FileHandle, open, stat } from 'node:fs/promises';
import { parseLine } from '../events/parse-line.js';
import type { RunRow } from '../store/run-row.js';
import { LineSplitter } from './line-splitter.js';
import { PollingSource } from './run-source.js';

const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Follows a JSONL events file: reads it whole, then what is appended (a shorter file means it
 * was replaced: everything is read again). A line without its newline yet is held back and
 * shown as a truncated tail until the rest arrives.
 */
export class JsonlSource extends PollingSource {
  readonly kind = 'jsonl' as const;
  private position = 0;
  private readonly splitter = new LineSplitter();

  async readRecord(row: RunRow): Promise<unknown> {
    const file = await open(this.path, 'r');
    try {
      const buffer = Buffer.alloc(row.length);
      await file.read(buffer, 0, row.length, row.offset);
      return (JSON.parse(buffer.toString('utf8')) as { record: unknown }).record;
    } finally {
      await file.close();
    }
  }

  protected async readNew(): Promise<void> {
    let size: number;
    try {
      size = (await stat(this.path)).size;
      this.problem = undefined;
    } catch (error) {
      this.problem = `cannot read ${this.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
      return;
    }
    if (size < this.position) this.restart();
    if (size === this.position) return;
    const file = await open(this.path, 'r');
    try {
      await this.readRange(file, size);
    } finally {
      await file.close();
    }
    this.store.setSkipped('truncated_tail', this.splitter.pendingBytes > 0 ? 1 : 0);
  }

  private async readRange(file: FileHandle, end: number): Promise<void> {
    const buffer = Buffer.alloc(Math.min(CHUNK_BYTES, end - this.position));
    while (this.position < end) {
      const { bytesRead } = await file.read(
        buffer,
        0,
        Math.min(buffer.length, end - this.position),
        this.position,
      );
      if (bytesRead === 0) break;
      this.position += bytesRead;
      this.splitter.push(buffer.subarray(0, bytesRead), (text, offset, length) =>
        this.onLine(text, offset, length),
      );
    }
  }

  private onLine(text: string, offset: number, length: number): void {
    if (text.trim() === '') return;
    const parsed = parseLine(text);
    if (parsed.kind === 'invocation') this.store.addRecord(parsed.record, offset, length);
    else if (parsed.kind === 'llm_call') this.store.noteLlmCall(parsed.rootRunId);
    else if (parsed.kind === 'skip') this.store.skip(parsed.reason);
  }

  private restart(): void {
    this.position = 0;
    this.splitter.reset();
    this.store.clear();
  }
}
