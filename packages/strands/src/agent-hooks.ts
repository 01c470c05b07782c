import { ToolResultError } from '@metrics/core';
import { type Metrics, guard, readField } from '@metrics/core';
import type { OpenRuns } from '@metrics/core/adapter';
import {
  AfterInvocationEvent,
  AfterToolCallEvent,
  BeforeInvocationEvent,
  BeforeModelCallEvent,
  BeforeToolCallEvent,
  BeforeToolsEvent,
  HookOrder,
  InterruptEvent,
  type LocalAgent,
} from '@strands-agents/sdk';
import { type AgentRun, finishRun, markRoot, rootOf } from './agent-run.js';
import { SOURCE } from './options.js';
import { isMcpTool, isStructuredOutputTool, modelIdOf, toolResultText } from './strands-shapes.js';

type Runs = OpenRuns<object, AgentRun>;

/** Registers the adapter's hooks on one agent; returns what removes them. */
export function addAgentHooks(agent: LocalAgent, metrics: Metrics, runs: Runs): Array<() => void> {
  const on =
    <T>(handler: (event: T) => void) =>
    (event: T) => {
      guard(metrics.diagnostics, SOURCE, () => handler(event));
    };
  // Before* hooks run last, so a cancel set by the user's own hooks is seen; After* read the final result.
  const last = { order: HookOrder.SDK_LAST };
  return [
    agent.addHook(
      BeforeInvocationEvent,
      on((e) => startRun(e, metrics, runs)),
      last,
    ),
    agent.addHook(
      AfterInvocationEvent,
      on((e) => endRun(e.agent, runs)),
      last,
    ),
    agent.addHook(
      BeforeToolCallEvent,
      on((e) => startTool(e, runs)),
      last,
    ),
    agent.addHook(
      AfterToolCallEvent,
      on((e) => endTool(e, runs)),
      last,
    ),
    agent.addHook(
      BeforeModelCallEvent,
      on((e) => cancelled(e, 'model call', runs)),
      last,
    ),
    agent.addHook(
      BeforeToolsEvent,
      on((e) => cancelled(e, 'tools', runs)),
      last,
    ),
    agent.addHook(
      InterruptEvent,
      on((e) => tripped(e.agent, runs, String(readField(e.interrupt, 'name') ?? 'interrupt'), 'interrupt')),
      last,
    ),
  ];
}

function startRun(event: BeforeInvocationEvent, metrics: Metrics, runs: Runs): void {
  const { agent, invocationState } = event;
  let run = runs.peek(agent);
  // (an open run here is a resumed iteration of the same stream() call: it goes on)
  if (!run) {
    const parent = rootOf(invocationState);
    const name = String(readField(agent, 'name') ?? agent.id);
    const model = modelIdOf(agent.model);
    const recorder = parent
      ? parent.recorder.startMemberRun({ kind: parent.memberKind, name, model })
      : metrics.startInvocation({ providerType: 'STRANDS_AGENTS', name, model });
    const root = parent ? undefined : { recorder, memberKind: 'tool-agent' as const };
    if (root) markRoot(invocationState, root);
    run = { recorder, root, invocationState, tools: new Map(), error: undefined };
    runs.add(agent, run);
  }
  run.signal = readField(agent, 'cancelSignal');
  run.thrown = undefined;
  if (event.cancel) tripped(agent, runs, 'invocation', 'cancel');
}

/**
 * The run ends with what the stream threw (a hook's error, a structured-output failure, the
 * model's error), else with its cancellation, else successfully. A cancelled run's model error is
 * only the SDK unwinding the cancelled call.
 */
function endRun(agent: LocalAgent, runs: Runs): void {
  const run = runs.get(agent);
  if (!run) return;
  const cancelled = readField(run.signal, 'aborted') === true;
  finishRun(runs, agent, run, { thrown: run.thrown ?? (cancelled ? undefined : run.error), cancelled });
}

function startTool(event: BeforeToolCallEvent, runs: Runs): void {
  const run = runs.get(event.agent);
  if (!run) return;
  const { name, toolUseId } = event.toolUse;
  if (isStructuredOutputTool(event.tool, name)) return;
  if (event.cancel) {
    run.recorder.recordGuardrailTrip({ name, kind: 'cancel' });
    return;
  }
  const call = run.recorder.startToolCall({
    name,
    callId: toolUseId,
    ...(isMcpTool(event.tool) ? { type: 'mcp' as const } : {}),
  });
  run.tools.set(toolUseId, call);
}

function endTool(event: AfterToolCallEvent, runs: Runs): void {
  const run = runs.get(event.agent);
  const call = run?.tools.get(event.toolUse.toolUseId);
  if (!run || !call) return;
  run.tools.delete(event.toolUse.toolUseId);
  if (event.result.status !== 'error') call.end();
  else call.fail(event.error ?? new ToolResultError(toolResultText(event.result)));
}

function cancelled(event: { agent: LocalAgent; cancel: boolean | string }, what: string, runs: Runs): void {
  if (event.cancel) tripped(event.agent, runs, what, 'cancel');
}

function tripped(agent: LocalAgent, runs: Runs, name: string, kind: string): void {
  runs.get(agent)?.recorder.recordGuardrailTrip({ name, kind });
}
