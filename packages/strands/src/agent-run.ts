import type { InvocationRecorder, MemberKind, ToolCall } from '@metrics/core';
import { readField } from '@metrics/core';
import { type OpenRuns, processSingleton } from '@metrics/core/adapter';

/** One open invocation of one agent (or graph/swarm): a top-level record or a member run of one. */
export interface AgentRun {
  readonly recorder: InvocationRecorder;
  /** Set for the invocation state by a top-level run, removed when it ends. */
  readonly root: RootMark | undefined;
  readonly invocationState: object;
  readonly tools: Map<string, ToolCall>;
  /** The error of the last model call (or graph node), unless a later one succeeded: the run's error if it ends now. */
  error: unknown;
  /** The agent's cancel signal of the current iteration (Strands makes a new one per iteration). */
  signal?: unknown;
  /** What the agent's stream threw in the current iteration (seen by the `agentStream` middleware): what `invoke()` throws. */
  thrown?: unknown;
}

/** What a top-level run leaves on Strands' invocation state, which the SDK hands to agents used as tools and to graph/swarm nodes. */
export interface RootMark {
  readonly recorder: InvocationRecorder;
  /** The kind of member run a nested agent becomes. */
  readonly memberKind: MemberKind;
}

/**
 * The top-level run of each open invocation state, shared by every copy of this adapter in the
 * process (a nested agent instrumented by another copy still rolls in). Kept beside the state,
 * never on it: the user's object (and Strands' snapshots and sessions of it) stays as it was.
 */
const ROOTS = processSingleton('strands.root-runs', () => new WeakMap<object, RootMark>());

/** The top-level run the invocation state belongs to, if one is open. */
export function rootOf(invocationState: unknown): RootMark | undefined {
  return typeof invocationState === 'object' && invocationState !== null
    ? ROOTS.get(invocationState)
    : undefined;
}

/** Marks the invocation state with its top-level run. */
export function markRoot(invocationState: object, mark: RootMark): void {
  ROOTS.set(invocationState, mark);
}

export function unmarkRoot(invocationState: object, mark: RootMark): void {
  if (ROOTS.get(invocationState) === mark) ROOTS.delete(invocationState);
}

/**
 * Ends an agent's run: with the error its stream threw when there is one, else with the
 * cancellation (the signal's reason) when the run was cancelled, else successfully.
 */
export function finishRun(
  runs: OpenRuns<object, AgentRun>,
  agent: object,
  run: AgentRun,
  ending: { thrown?: unknown; cancelled: boolean },
): void {
  if (runs.peek(agent) === run) runs.delete(agent);
  if (run.root) unmarkRoot(run.invocationState, run.root);
  const error = ending.thrown ?? (ending.cancelled ? cancellationOf(run.signal) : undefined);
  run.recorder.end(error !== undefined ? { error } : {});
}

/** Why a run was cancelled: the signal's reason (an `AbortError` for `agent.cancel()`, a `TimeoutError` for `AbortSignal.timeout`). */
function cancellationOf(signal: unknown): unknown {
  const reason = readField(signal, 'aborted') === true ? readField(signal, 'reason') : undefined;
  return reason ?? new RunCancelledError('the agent invocation was cancelled');
}

/** A cancelled run whose signal gave no reason. */
class RunCancelledError extends Error {
  override name = 'AbortError';
}
