import type { InvocationRecorder } from '@metrics/core';
import { isWorkflowMember, modelOfAgent } from './adk-shapes.js';
import type { PendingModelCall } from './model-calls.js';
import type { OpenTool } from './tool-calls.js';

/** One `runAsync`/`runLive` of a `Runner` (one ADK invocation id): one top-level record. */
export class AdkRun {
  /** Agents other than the root (transfers, workflow members) by name: member runs. */
  private readonly members = new Map<string, InvocationRecorder>();
  /** The open model call of each agent (per branch: parallel agents run side by side). */
  readonly calls = new Map<string, PendingModelCall>();
  readonly tools = new Map<string, OpenTool>();
  /** The error of the last failed model call, unless a later one succeeded: the run's error. */
  error: unknown;

  constructor(
    readonly recorder: InvocationRecorder,
    private readonly rootAgent: string,
  ) {}

  /** The recorder an agent's calls go to: the run's own for the root agent, else its member run. */
  recorderFor(agent: unknown, name: string): InvocationRecorder {
    if (name === this.rootAgent) return this.recorder;
    let member = this.members.get(name);
    if (!member) {
      const model = modelOfAgent(agent);
      member = this.recorder.startMemberRun({
        kind: isWorkflowMember(agent) ? 'team-member' : 'handoff',
        name,
        ...(model !== undefined ? { model } : {}),
      });
      this.members.set(name, member);
    }
    return member;
  }

  /** Records the model calls still waiting for their last response, then ends the record. */
  end(): void {
    for (const call of this.calls.values()) call.abandon();
    this.calls.clear();
    this.recorder.end(this.error !== undefined ? { error: this.error } : {});
  }
}

/** The key of an agent's model calls within an invocation: branch and agent name. */
export function agentKey(context: {
  readonly invocationContext: { readonly branch?: string };
  readonly agentName: string;
}): string {
  const branch = context.invocationContext.branch;
  return branch ? `${branch}|${context.agentName}` : `|${context.agentName}`;
}
