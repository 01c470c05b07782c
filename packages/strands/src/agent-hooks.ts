import { type Metrics, ToolResultError, type ToolCallStart, readField } from '@metrics/core';
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
import {
  cancelSignalOf,
  isAborted,
  isMcpTool,
  isStructuredOutputTool,
  modelIdOf,
  toolResultText,
} from './strands-shapes.js';

type Runs = OpenRuns<object, AgentRun>;

/** Registers the adapter's hooks on one agent; returns what removes them. */
export function addAgentHooks(agent: LocalAgent, metrics: Metrics, runs: Runs): Array<() => void> {
  const diagnostics = metrics.diagnostics;
  // one wrapper per hook, calling its handler in a try block of its own: `guard` with a closure
  // per event, and the `metrics.diagnostics` getter per event, cost ~1.5 k instructions per event
  const on =
    <T>(handler: (event: T, runs: Runs, metrics: Metrics) => void) =>
    (event: T) => {
      try {
        handler(event, runs, metrics);
      } catch (error) {
        diagnostics.reportError(SOURCE, error);
      }
    };
  // Before* hooks run last, so a cancel set by the user's own hooks is seen; After* read the final result.
  const last = { order: HookOrder.SDK_LAST };
  return [
    agent.addHook(BeforeInvocationEvent, on(startRun), last),
    agent.addHook(AfterInvocationEvent, on(endRun), last),
    agent.addHook(BeforeToolCallEvent, on(startTool), last),
    agent.addHook(AfterToolCallEvent, on(endTool), last),
    agent.addHook(BeforeModelCallEvent, on(modelCallCancelled), last),
    agent.addHook(BeforeToolsEvent, on(toolsCancelled), last),
    agent.addHook(InterruptEvent, on(interrupted), last),
  ];
}

function startRun(event: BeforeInvocationEvent, runs: Runs, metrics: Metrics): void {
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
  run.signal = cancelSignalOf(agent);
  run.thrown = undefined;
  if (event.cancel) tripped(agent, runs, 'invocation', 'cancel');
}

/**
 * The run ends with what the stream threw (a hook's error, a structured-output failure, the
 * model's error), else with its cancellation, else successfully. A cancelled run's model error is
 * only the SDK unwinding the cancelled call.
 */
function endRun(event: AfterInvocationEvent, runs: Runs): void {
  const agent = event.agent;
  const run = runs.get(agent);
  if (!run) return;
  const cancelled = isAborted(run.signal);
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
  // built, not spread (an object spread per tool call)
  const start: ToolCallStart = { name, callId: toolUseId };
  if (isMcpTool(event.tool)) start.type = 'mcp';
  const call = run.recorder.startToolCall(start);
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

function modelCallCancelled(event: BeforeModelCallEvent, runs: Runs): void {
  if (event.cancel) tripped(event.agent, runs, 'model call', 'cancel');
}

function toolsCancelled(event: BeforeToolsEvent, runs: Runs): void {
  if (event.cancel) tripped(event.agent, runs, 'tools', 'cancel');
}

function interrupted(event: InterruptEvent, runs: Runs): void {
  tripped(event.agent, runs, String(readField(event.interrupt, 'name') ?? 'interrupt'), 'interrupt');
}

function tripped(agent: LocalAgent, runs: Runs, name: string, kind: string): void {
  runs.get(agent)?.recorder.recordGuardrailTrip({ name, kind });
}
