import type { CallOutcome } from './metered-call.js';

/** What one stream item was to the call: its first content (`'token'`), or an item to hide from the caller (`'hide'`). */
export type ReadResult = 'token' | 'hide' | undefined;

/** Reads a provider's stream items as they pass: what the call reported, and when its first token came. */
export interface StreamReader<T> {
  /** Notes one item; `'token'` when it carries content (text, reasoning or a tool call). */
  read(item: T): ReadResult;
  /** What the items read so far reported. */
  outcome(): CallOutcome;
}

/** A reader of one-shot answers and stream items alike. */
export interface ResponseReader<R, C> {
  /** What a whole (non-streamed) answer reported. */
  answer(response: R): CallOutcome;
  /** A reader for one stream; `hideUsage`: hide the usage-only item the caller did not ask for. */
  stream(options?: { hideUsage?: boolean }): StreamReader<C>;
}
