import { AttemptLog, type AttemptScope } from '@metrics/core/adapter';
import type { OpenModelCall } from './model-calls.js';

/** The log of a `PendingScope`: a request noted here is an attempt only of a call no event announces. */
class PendingAttemptLog extends AttemptLog {}

/**
 * The attempt scope of an LLM call until its model call is known. An announced call enters its own
 * scope inside (`startModelCall`); a call no event announces adopts the attempts noted here.
 */
export class PendingScope implements AttemptScope {
  private log: AttemptLog | undefined;
  private call: OpenModelCall['call'] | undefined;

  get ended(): boolean {
    return this.call?.ended ?? false;
  }

  attemptLog(): AttemptLog {
    this.log ??= new PendingAttemptLog();
    return this.log;
  }

  adoptedBy(entry: OpenModelCall): OpenModelCall {
    this.call = entry.call;
    entry.call._adoptAttempts(this.attemptLog());
    return entry;
  }
}

/**
 * Whether `log` is a pending scope's: while `llm-start` is forwarded, the call it announces never
 * adopts that log, so a request made there (by the handlers llm-start reaches) is no attempt.
 */
export function isPendingLog(log: AttemptLog): boolean {
  return log instanceof PendingAttemptLog;
}
