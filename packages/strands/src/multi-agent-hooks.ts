import { type Metrics, guard } from '@metrics/core';
import type { OpenRuns } from '@metrics/core/adapter';
import {
  AfterMultiAgentInvocationEvent,
  AfterNodeCallEvent,
  BeforeMultiAgentInvocationEvent,
  type MultiAgent,
  NodeResultEvent,
  Status,
} from '@strands-agents/sdk/multiagent';
import { type AgentRun, markRoot, rootOf, unmarkRoot } from './agent-run.js';
import { SOURCE } from './options.js';

type Runs = OpenRuns<object, AgentRun>;

/**
 * Registers the adapter's hooks on a graph or swarm: its invocation is the top-level record (or a
 * `subgraph` member of an outer one), its node agents' runs are `team-member` runs rolled into it.
 */
export function addMultiAgentHooks(
  orchestrator: MultiAgent,
  metrics: Metrics,
  runs: Runs,
): Array<() => void> {
  const on =
    <T>(handler: (event: T) => void) =>
    (event: T) => {
      guard(metrics.diagnostics, SOURCE, () => handler(event));
    };
  return [
    orchestrator.addHook(
      BeforeMultiAgentInvocationEvent,
      on((e) => startRun(e, metrics, runs)),
    ),
    orchestrator.addHook(
      AfterNodeCallEvent,
      on((e) => {
        const run = runs.get(e.orchestrator);
        if (run && e.error !== undefined) run.error = e.error;
      }),
    ),
    // a node whose agent failed is a FAILED node result (the SDK catches its error), and any
    // FAILED node makes the whole result FAILED
    orchestrator.addHook(
      NodeResultEvent,
      on((e) => {
        const run = runs.get(orchestrator);
        if (run && e.result.status === Status.FAILED)
          run.error = e.result.error ?? new Error(`node ${e.nodeId} failed`);
      }),
    ),
    orchestrator.addHook(
      AfterMultiAgentInvocationEvent,
      on((e) => endRun(e, runs)),
    ),
  ];
}

function startRun(event: BeforeMultiAgentInvocationEvent, metrics: Metrics, runs: Runs): void {
  const { orchestrator, invocationState } = event;
  const parent = rootOf(invocationState);
  const name = orchestrator.id;
  const recorder = parent
    ? parent.recorder.startMemberRun({ kind: 'subgraph', name })
    : metrics.startInvocation({ providerType: 'STRANDS_AGENTS', name });
  const root = parent ? undefined : { recorder, memberKind: 'team-member' as const };
  if (root) markRoot(invocationState, root);
  runs.add(orchestrator, { recorder, root, invocationState, tools: new Map(), error: undefined });
}

function endRun(event: AfterMultiAgentInvocationEvent, runs: Runs): void {
  const run = runs.get(event.orchestrator);
  if (!run) return;
  runs.delete(event.orchestrator);
  if (run.root) unmarkRoot(run.invocationState, run.root);
  run.recorder.end(run.error !== undefined ? { error: run.error } : {});
}
