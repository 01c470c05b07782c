import { type InvocationRecorder, now } from '@metrics/core';
import { type ToolCallRef, type ToolResultRef, lastToolResults } from './prompt-tools.js';

/**
 * Whether two prompts are the same messages: `generateText` retries with the same array,
 * `streamText` converts the prompt again for each attempt. Only compared after a failed attempt.
 */
export function samePrompt(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/**
 * The run state the middleware keeps per recorder: the tool calls the model asked for whose
 * results it has not seen yet, and the prompt of the last attempt (to number retries).
 */
export class MiddlewareRun {
  readonly pending = new Map<string, string>();
  lastPrompt: unknown;
  /** The `headers` object that names this run's `generateText` call (the auto runs' key). */
  headers: object | undefined;
  attemptsOnPrompt = 0;
  lastError: unknown;
  failed = false;
  lastActivity = now();
  /** When an auto run waiting for its next call is given up (epoch ms); 0 when not waiting. */
  deadline = 0;

  constructor(
    readonly recorder: InvocationRecorder,
    readonly auto: boolean,
  ) {}

  /** Counts the results of tool calls this run asked for; returns the attempt number of this call. */
  beginAttempt(prompt: unknown, results: readonly ToolResultRef[] = lastToolResults(prompt)): number {
    for (const result of results) {
      const name = this.pending.get(result.id);
      if (name === undefined) continue;
      this.pending.delete(result.id);
      this.recorder.recordToolCall({
        name,
        outcome: result.failed ? 'failure' : 'success',
        callId: result.id,
        ...(result.failed ? { error: { name: 'ToolError', message: 'the tool call failed' } } : {}),
      });
    }
    if (
      prompt !== undefined &&
      (prompt === this.lastPrompt || (this.failed && samePrompt(prompt, this.lastPrompt)))
    )
      this.attemptsOnPrompt++;
    else {
      this.lastPrompt = prompt;
      this.attemptsOnPrompt = 1;
    }
    return this.attemptsOnPrompt;
  }

  addToolCalls(calls: readonly ToolCallRef[]): void {
    for (const call of calls) if (this.pending.size < 1000) this.pending.set(call.id, call.name);
  }
}

const perRecorder = new WeakMap<InvocationRecorder, MiddlewareRun>();

/** The middleware state of a recorder someone else opened (the user's `withInvocation`, a tool). */
export function scopedRun(recorder: InvocationRecorder): MiddlewareRun {
  let run = perRecorder.get(recorder);
  if (!run) {
    run = new MiddlewareRun(recorder, false);
    perRecorder.set(recorder, run);
  }
  return run;
}
