import { type Diagnostics, getCurrentInvocation, type InvocationRecorder } from '@metrics/core';
import type { OpenRuns } from '@metrics/core/adapter';

/** A tool call between `agent_tool_start` and `agent_tool_end`. */
export interface OpenTool {
  readonly name: string;
  readonly startedAt: number;
  /** The tool's function span (a no-op span when tracing is off), where MCP tools leave `mcp_data`. */
  readonly span: { spanData?: { mcp_data?: unknown }; error?: unknown } | undefined;
  /** Set when the SDK reported the failure on the tool's function span. */
  failed: boolean;
}

/**
 * What the adapter keeps for one `run()` while it is in flight. It is found from the run's own
 * recorder (the async context's current invocation) and kept open in the instrumentation's
 * `OpenRuns` under the top-level run's recorder, so a run whose end never comes (a stream never
 * drained) is finished as it stands after `openRunTimeoutMs`, and its later events are dropped.
 */
export class RunState {
  /** The recorder of the agent now running: the run's own, or the member run of a handoff target. */
  current: InvocationRecorder;
  /** The SDK's `RunContext` of this run (from the first hook), whose `usage` survives failures. */
  context: { usage?: unknown } | undefined;
  readonly tools = new Map<string, OpenTool>();
  /** The attempt number of the next try of the current model request (a runner-managed retry
   * goes on after every model call the failed tries produced, HTTP attempts included). */
  nextAttempt = 1;

  constructor(
    readonly recorder: InvocationRecorder,
    readonly diagnostics: Diagnostics,
    /** The open runs of the instrumentation, and the key of the top-level run this one is part of. */
    readonly runs: OpenRuns<InvocationRecorder, RunState>,
    readonly key: InvocationRecorder,
  ) {
    this.current = recorder;
  }

  /** Marks the run as seen; `false` once it was evicted (the event is dropped and counted). */
  touch(): boolean {
    return this.runs.get(this.key) !== undefined;
  }
}

const states = new WeakMap<InvocationRecorder, RunState>();

export function createRunState(
  recorder: InvocationRecorder,
  diagnostics: Diagnostics,
  runs: OpenRuns<InvocationRecorder, RunState>,
  parent: RunState | undefined,
): RunState {
  const state = new RunState(recorder, diagnostics, parent?.runs ?? runs, parent?.key ?? recorder);
  states.set(recorder, state);
  if (!parent) runs.add(recorder, state);
  return state;
}

/** The state of the metered run whose async context this is, if any (none once it was evicted). */
export function currentRunState(): RunState | undefined {
  const recorder = getCurrentInvocation();
  const state = recorder === undefined ? undefined : states.get(recorder);
  return state?.touch() ? state : undefined;
}

/** Whether the current async context is a run metered by `instrumentRunner` (evicted or not). */
export function inMeteredRun(): boolean {
  const recorder = getCurrentInvocation();
  return recorder !== undefined && states.has(recorder);
}
