import { guard, type Diagnostics } from '@metrics/core';
import type { Agent, Runner } from '@openai/agents';
import { currentRunState, type RunState } from './run-state.js';
import { onToolEnd, onToolStart } from './tool-events.js';

const SOURCE = '@metrics/openai-agents';

type AnyAgent = Agent<any, any>;

/** The model an agent names: its own, else the run config's (a `Model` instance names none). */
export function modelNameOf(agent: AnyAgent, runner: Runner): string | undefined {
  const own: unknown = agent?.model;
  if (typeof own === 'string' && own.length > 0) return own;
  const configured: unknown = runner.config.model;
  return typeof configured === 'string' && configured.length > 0 ? configured : undefined;
}

/**
 * The runner's lifecycle events, mapped: `agent_start` keeps the run's context, `agent_handoff`
 * opens the target's member run, `agent_tool_start`/`agent_tool_end` record a tool call.
 * Returns the function that removes the listeners.
 */
export function listenToRunner(runner: Runner, diagnostics: Diagnostics): () => void {
  // Each listener finds its run and catches its own faults in its body: a shared wrapper taking
  // `...args` and a `guard` closure per event cost more than the bookkeeping they wrapped.
  const listeners = {
    agent_start: (context: unknown) => {
      const state = currentRunState();
      if (state) state.context ??= context as RunState['context'];
    },
    agent_handoff: (_context: unknown, _from: unknown, to: unknown) => {
      const state = currentRunState();
      if (state) guard(diagnostics, SOURCE, () => handoff(state, runner, to as AnyAgent));
    },
    agent_tool_start: (_context: unknown, _agent: unknown, tool: unknown, details: unknown) => {
      const state = currentRunState();
      if (!state) return;
      try {
        onToolStart(state, tool as { name?: unknown }, details);
      } catch (error) {
        diagnostics.reportError(SOURCE, error);
      }
    },
    agent_tool_end: (_context: unknown, agent: unknown, tool: unknown, output: unknown, details: unknown) => {
      const state = currentRunState();
      if (!state) return;
      try {
        onToolEnd(state, agent, tool as { name?: unknown }, output, details);
      } catch (error) {
        diagnostics.reportError(SOURCE, error);
      }
    },
  };
  const emitter = runner as unknown as {
    on(type: string, listener: (...args: any[]) => void): unknown;
    off(type: string, listener: (...args: any[]) => void): unknown;
  };
  for (const [type, listener] of Object.entries(listeners)) emitter.on(type, listener);
  return () => {
    for (const [type, listener] of Object.entries(listeners)) emitter.off(type, listener);
  };
}

/** A handoff: the agent running so far ends its member run, the target opens its own. */
function handoff(state: RunState, runner: Runner, target: AnyAgent): void {
  if (state.current !== state.recorder) state.current.end();
  const model = modelNameOf(target, runner);
  // `undefined` fields are read as absent
  state.current = state.recorder.startMemberRun({
    kind: 'handoff',
    name: typeof target?.name === 'string' ? target.name : undefined,
    model,
  });
}
