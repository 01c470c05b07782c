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
    const first = chunk.indexOf(10);
    if (first === -1) {
      this.rest = Buffer.concat([this.rest, chunk]);
      return;
    }
    // Only the line that straddles two chunks is copied; the others are decoded in place.
    const head = this.rest.length > 0 ? Buffer.concat([this.rest, chunk.subarray(0, first + 1)]) : chunk;
    const headEnd = this.rest.length > 0 ? head.length - 1 : first;
    emit(head, 0, headEnd, this.restStart, onLine);
    const chunkStart = this.restStart + this.rest.length;
    let start = first + 1;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      emit(chunk, start, nl, chunkStart, onLine);
      start = nl + 1;
    }
    this.rest = Buffer.from(chunk.subarray(start));
    this.restStart = chunkStart + start;
  }

  reset(offset = 0): void {
    this.rest = Buffer.alloc(0);
    this.restStart = offset;
  }
}

function emit(
  buffer: Buffer,
  start: number,
  nl: number,
  base: number,
  onLine: (text: string, offset: number, length: number) => void,
): void {
  const end = nl > start && buffer[nl - 1] === 13 ? nl - 1 : nl;
  if (end > start) onLine(buffer.toString('utf8', start, end), base + start, end - start);
}
