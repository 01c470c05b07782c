import { guard, type Diagnostics } from '@metrics/core';
import type { Agent, Runner } from '@openai/agents';
import { currentRunState, type RunState } from './run-state.js';
import { onToolEnd, onToolStart } from './tool-events.js';

const SOURCE = '@metrics/openai-agents';

type AnyAgent = Agent<any, any>;

export function modelNameOf(agent: AnyAgent, runner: Runner): string | undefined {
  const candidates = [agent?.model, runner.config.model];
  for (const model of candidates) if (typeof model === 'string' && model.length > 0) return model;
  return undefined;
}

/**
 * The runner's lifecycle events, mapped: `agent_start` keeps the run's context, `agent_handoff`
 * opens the target's member run, `agent_tool_start`/`agent_tool_end` record a tool call.
 * Returns the function that removes the listeners.
 */
export function listenToRunner(runner: Runner, diagnostics: Diagnostics): () => void {
  const hook =
    <A extends unknown[]>(fn: (state: RunState, ...args: A) => void) =>
    (...args: A) => {
      const state = currentRunState();
      if (state) guard(diagnostics, SOURCE, () => fn(state, ...args));
    };
  const listeners = {
    agent_start: hook((state, context: unknown) => {
      state.context ??= context as RunState['context'];
    }),
    agent_handoff: hook((state, _context: unknown, _from: unknown, to: unknown) => {
      if (state.current !== state.recorder) state.current.end();
      const target = to as AnyAgent;
      const model = modelNameOf(target, runner);
      state.current = state.recorder.startMemberRun({
        kind: 'handoff',
        ...(typeof target?.name === 'string' ? { name: target.name } : {}),
        ...(model !== undefined ? { model } : {}),
      });
    }),
    agent_tool_start: hook((state, _context: unknown, _agent: unknown, tool: unknown, details: unknown) =>
      onToolStart(state, tool as { name?: unknown }, details),
    ),
    agent_tool_end: hook(
      (state, _context: unknown, agent: unknown, tool: unknown, output: unknown, details: unknown) =>
        onToolEnd(state, agent, tool as { name?: unknown }, output, details),
    ),
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
