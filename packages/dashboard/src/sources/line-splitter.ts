/** Splits bytes into lines while keeping each line's byte offset in the file. */
export class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);
  /** File offset of `rest[0]`. */
  private restStart = 0;

  /** Bytes held back because no newline followed them yet. */
  get pendingBytes(): number {
    return this.rest.length;
  }

  /** Calls `onLine(text, offset, length)` for every complete line of `chunk` (read at the current end). */
  push(chunk: Buffer, onLine: (text: string, offset: number, length: number) => void): void {
    const buffer = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    for (let nl = buffer.indexOf(10, start); nl !== -1; nl = buffer.indexOf(10, start)) {
      const end = nl > start && buffer[nl - 1] === 13 ? nl - 1 : nl;
      if (end > start) onLine(buffer.toString('utf8', start, end), this.restStart + start, end - start);
      start = nl + 1;
    }
    this.rest = start < buffer.length ? Buffer.from(buffer.subarray(start)) : Buffer.alloc(0);
    this.restStart += start;
  }

  reset(offset = 0): void {
    this.rest = Buffer.alloc(0);
    this.restStart = offset;
  }
}
