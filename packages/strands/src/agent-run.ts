import type { InvocationRecorder, MemberKind, ToolCall } from '@metrics/core';
import { readField } from '@metrics/core';

/** One open invocation of one agent (or graph/swarm): a top-level record or a member run of one. */
export interface AgentRun {
  readonly recorder: InvocationRecorder;
  /** Set on the invocation state by a top-level run, removed when it ends. */
  readonly root: RootMark | undefined;
  readonly invocationState: object;
  readonly tools: Map<string, ToolCall>;
  /** The error of the last model call (or graph node), unless a later one succeeded: the run's error if it ends now. */
  error: unknown;
}

/** What a top-level run leaves on Strands' invocation state, which the SDK hands to agents used as tools and to graph/swarm nodes. */
export interface RootMark {
  readonly recorder: InvocationRecorder;
  /** The kind of member run a nested agent becomes. */
  readonly memberKind: MemberKind;
}

/** Shared by every copy of this adapter: a nested agent instrumented by another copy still rolls in. */
const ROOT = Symbol.for('@metrics/strands.root-run');

/** The top-level run the invocation state belongs to, if one is open. */
export function rootOf(invocationState: unknown): RootMark | undefined {
  const mark = readField(invocationState, ROOT as unknown as string);
  return typeof mark === 'object' && mark !== null ? (mark as RootMark) : undefined;
}

/**
 * Marks the invocation state with its top-level run. The key is a symbol: invisible to JSON (and
 * so to Strands' snapshots and sessions) and to the user's own keys.
 */
export function markRoot(invocationState: object, mark: RootMark): void {
  Object.defineProperty(invocationState, ROOT, { value: mark, configurable: true, enumerable: false });
}

export function unmarkRoot(invocationState: object, mark: RootMark): void {
  if (rootOf(invocationState) === mark) Reflect.deleteProperty(invocationState, ROOT);
}
