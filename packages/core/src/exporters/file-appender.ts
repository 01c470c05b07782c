import { constants } from 'node:fs';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Timer, startTimer } from './timers.js';

/**
 * `O_APPEND`: every `write()` lands whole at the end of the file, even with other processes
 * appending. `O_NONBLOCK`: a FIFO without a reader fails at once (ENXIO) instead of blocking a
 * libuv thread forever, and a full pipe answers EAGAIN instead of blocking; regular files ignore it.
 */
const FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NONBLOCK ?? 0);
const FIRST_WAIT_MS = 10;
const LONGEST_WAIT_MS = 1000;

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Waiting for room: a pipe that is full (EAGAIN) or has no reader yet (ENXIO). */
function isWouldBlock(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'ENXIO';
}

/**
 * Appends chunks of bytes to a file, one `write()` per chunk (more only when the kernel takes
 * part of it, as a pipe can). While the target cannot take more (a pipe nobody reads), it waits
 * with back-off on timers that never keep the process alive, until `abort()`.
 */
export class FileAppender {
  private aborted = false;
  private dirReady = false;
  private sleeper: { timer: Timer; wake: () => void } | undefined;

  constructor(readonly path: string) {}

  /** Stops waiting at once; the chunk being written is abandoned. */
  abort(): void {
    this.aborted = true;
    this.sleeper?.wake();
  }

  /**
   * Writes `chunks` in order, calling `onWritten(i)` once chunk `i` is wholly written. Resolves
   * with the number of chunks written and the error that stopped it, if any (an abort is not an
   * error). Never rejects.
   */
  async append(
    chunks: readonly Uint8Array[],
    onWritten: (index: number) => void,
  ): Promise<{ written: number; error?: unknown }> {
    let handle: FileHandle | undefined;
    let index = 0;
    try {
      handle = await this.open();
      if (!handle) return { written: 0 };
      for (; index < chunks.length; index++) {
        if (!(await this.writeWhole(handle, chunks[index]!))) return { written: index };
        onWritten(index);
      }
      return { written: index };
    } catch (error) {
      this.dirReady = false;
      return { written: index, error };
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  private async open(): Promise<FileHandle | undefined> {
    let wait = FIRST_WAIT_MS;
    while (!this.aborted) {
      try {
        return await open(this.path, FLAGS, 0o666);
      } catch (error) {
        if (errorCode(error) === 'ENOENT' && !this.dirReady) {
          await mkdir(dirname(this.path), { recursive: true });
          this.dirReady = true;
          continue;
        }
        if (!isWouldBlock(error)) throw error;
      }
      await this.sleep(wait);
      wait = Math.min(wait * 2, LONGEST_WAIT_MS);
    }
    return undefined;
  }

  /** False when aborted before the chunk was wholly written. */
  private async writeWhole(handle: FileHandle, chunk: Uint8Array): Promise<boolean> {
    let offset = 0;
    let wait = FIRST_WAIT_MS;
    while (offset < chunk.length) {
      if (this.aborted) return false;
      let wrote = 0;
      try {
        wrote = (await handle.write(chunk, offset, chunk.length - offset)).bytesWritten;
      } catch (error) {
        if (!isWouldBlock(error)) throw error;
      }
      offset += wrote;
      if (wrote > 0) {
        wait = FIRST_WAIT_MS;
        continue;
      }
      await this.sleep(wait);
      wait = Math.min(wait * 2, LONGEST_WAIT_MS);
    }
    return true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeper = undefined;
        resolve();
      };
      const timer = startTimer(wake, ms);
      this.sleeper = { timer, wake };
    });
  }
}
