import { agentInputEvent, agentToolCallEvent, agentToolCallResultEvent } from '@llamaindex/workflow';
import type { Diagnostics } from '@metrics/core';
import { type RunState, SOURCE, runStorage } from './run-state.js';

let registered = false;

type EventWithInit = { onInit?: (callback: (event: { data: unknown }) => void) => unknown };

/**
 * Listens, once per process, to the creation of the agent workflow events that carry tool calls,
 * their outcomes and the current agent. Events are created synchronously inside the run's async
 * context, so each goes to the run it belongs to; outside a run the listener returns at once.
 */
export function listenToWorkflowEvents(diagnostics: Diagnostics): void {
  if (registered) return;
  registered = true;
  const on = (event: EventWithInit | undefined, handle: (state: RunState, data: unknown) => void) => {
    if (typeof event?.onInit !== 'function') {
      diagnostics.emit({
        type: 'llamaindex.workflow-events-unavailable',
        level: 'warn',
        source: SOURCE,
        message:
          'this @llamaindex/workflow has no event onInit hook; tool calls are read from llm-tool-* callbacks',
      });
      return;
    }
    event.onInit((ev) => {
      const state = runStorage.getStore();
      if (!state || state.isEnded) return;
      try {
        handle(state, ev.data);
      } catch (error) {
        state.diagnostics.reportError(SOURCE, error, 'handling a workflow event failed');
      }
    });
  };
  on(agentInputEvent as EventWithInit, (state, data) =>
    state.agentInput((data as { currentAgentName?: unknown } | undefined)?.currentAgentName),
  );
  on(agentToolCallEvent as EventWithInit, (state, data) => state.workflowToolCall(data));
  on(agentToolCallResultEvent as EventWithInit, (state, data) => state.workflowToolResult(data));
}
