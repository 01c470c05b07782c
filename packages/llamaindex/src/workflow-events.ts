import {
  agentInputEvent,
  agentToolCallEvent,
  agentToolCallResultEvent,
  stopAgentEvent,
} from '@llamaindex/workflow';
import type { Diagnostics } from '@metrics/core';
import { currentRun } from './current-run.js';
import type { RunState } from './run-state.js';
import { SOURCE } from './source.js';
import { endWorkflowRun, workflowRunOf } from './workflow-runs.js';

let registered = false;

type EventWithInit = { onInit?: (callback: (event: { data: unknown }) => void) => unknown };

/**
 * Listens, once per process, to the creation of the agent workflow events that carry tool calls,
 * their outcomes, the current agent and the run's end. Events are created synchronously inside
 * the run's async context, so each goes to the run it belongs to: the run of `instrument()` /
 * `run(fn)`, else the workflow run a `MetricsCallbackManager` follows. Elsewhere they return at once.
 */
export function listenToWorkflowEvents(diagnostics: Diagnostics): void {
  if (registered) return;
  registered = true;
  const on = (event: unknown, open: boolean, handle: (state: RunState, data: unknown) => void) => {
    if (typeof (event as EventWithInit | undefined)?.onInit !== 'function') {
      diagnostics.emit({
        type: 'llamaindex.workflow-events-unavailable',
        level: 'warn',
        source: SOURCE,
        message:
          'this @llamaindex/workflow has no event onInit hook; tool calls are read from llm-tool-* callbacks',
      });
      return;
    }
    (event as EventWithInit).onInit?.((ev) => {
      const current = currentRun(true);
      const state = current === null ? workflowRunOf(open) : current;
      if (!state) return;
      try {
        handle(state, ev.data);
      } catch (error) {
        state.diagnostics.reportError(SOURCE, error, 'handling a workflow event failed');
      }
    });
  };
  on(agentInputEvent, true, (state, data) =>
    state.agentInput((data as { currentAgentName?: unknown } | undefined)?.currentAgentName),
  );
  on(agentToolCallEvent, false, (state, data) => state.workflowToolCall(data));
  on(agentToolCallResultEvent, false, (state, data) => state.workflowToolResult(data));
  (stopAgentEvent as EventWithInit).onInit?.(() => {
    if (currentRun() === null) endWorkflowRun();
  });
}
