import { type Diagnostics, getCurrentInvocation, type InvocationRecorder } from '@metrics/core';

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
 * What the adapter keeps for one `run()` while it is in flight. It hangs off the run's own
 * recorder (the async context's current invocation), never off a process-wide map, so a run that
 * never ends is collected with its promises and nothing needs evicting.
 */
export class RunState {
  /** The recorder of the agent now running: the run's own, or the member run of a handoff target. */
  current: InvocationRecorder;
  /** The SDK's `RunContext` of this run (from the first hook), whose `usage` survives failures. */
  context: { usage?: unknown } | undefined;
  readonly tools = new Map<string, OpenTool>();
  /** Model calls recorded for the failed tries of the current model request (each HTTP attempt
   * included), so the attempt number of a runner-managed retry goes on after them. */
  failedAttempts = 0;

  constructor(
    readonly recorder: InvocationRecorder,
    readonly diagnostics: Diagnostics,
  ) {
    this.current = recorder;
  }
}

const states = new WeakMap<InvocationRecorder, RunState>();

export function createRunState(recorder: InvocationRecorder, diagnostics: Diagnostics): RunState {
  const state = new RunState(recorder, diagnostics);
  states.set(recorder, state);
  return state;
}

/** The state of the metered run whose async context this is, if any. */
export function currentRunState(): RunState | undefined {
  const recorder = getCurrentInvocation();
  return recorder === undefined ? undefined : states.get(recorder);
}
