import type { ServerResponse } from 'node:http';
import type { Answer, Frames } from './answer.js';

/**
 * Streams an answer's frames as server-sent events, waiting `firstChunkDelayMs` before the first
 * and `chunkDelayMs` before each later one; cuts the connection after `dropAfterChunks` frames
 * when the step asks for it, or when the server closes (`sleep` resolves `false`).
 */
export async function streamFrames(
  res: ServerResponse,
  headers: Record<string, string>,
  answer: Answer,
  frames: Frames | Uint8Array[][],
  sleep: (ms: number) => Promise<boolean>,
  contentType = 'text/event-stream; charset=utf-8',
): Promise<void> {
  res.writeHead(200, {
    'content-type': contentType,
    'cache-control': 'no-cache',
    // HTTP/2 (the h2c listener for Bedrock) forbids connection headers
    ...(res.req?.httpVersionMajor === 2 ? {} : { connection: 'keep-alive' }),
    ...headers,
  });
  res.flushHeaders();
  for (let i = 0; i < frames.length; i++) {
    if (answer.dropAfterChunks !== undefined && i >= answer.dropAfterChunks) {
      res.socket?.destroy();
      return;
    }
    const alive = await sleep(i === 0 ? answer.firstChunkDelayMs : answer.chunkDelayMs);
    if (!alive || res.destroyed) {
      res.destroy();
      return;
    }
    const parts: Array<string | Uint8Array> = frames[i]!;
    const frame = parts.every((part) => typeof part === 'string')
      ? parts.join('')
      : Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
    if (answer.dropAfterChunks === undefined) res.write(frame);
    else await new Promise<void>((resolve) => res.write(frame, () => resolve()));
  }
  res.end();
}
