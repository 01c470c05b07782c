import { type Metrics, guard } from '@metrics/core';
import { OpenRuns, adapterOptions, toMetrics } from '@metrics/core/adapter';
import { Agent, InvokeModelStage, type LocalAgent, type Plugin } from '@strands-agents/sdk';
import type { MultiAgent, MultiAgentPlugin } from '@strands-agents/sdk/multiagent';
import { addAgentHooks } from './agent-hooks.js';
import type { AgentRun } from './agent-run.js';
import { meterModelCalls } from './model-middleware.js';
import { addMultiAgentHooks } from './multi-agent-hooks.js';
import { observeRunErrors } from './run-errors.js';
import { SOURCE, type StrandsAdapterOptions, type StrandsMetricsInput } from './options.js';

/** Marks an agent or orchestrator some `MetricsPlugin` already measures (any copy of this adapter). */
const ATTACHED = Symbol.for('@metrics/strands.attached');

/**
 * A Strands plugin that turns every `invoke()`/`stream()` of an agent (or of a `Graph`/`Swarm`)
 * into one invocation record: `new Agent({ ..., plugins: [new MetricsPlugin({ exporters })] })`.
 * Agents used as tools and graph/swarm nodes that carry it (a graph's plugin adds itself to its
 * node agents) become member runs rolled into the top-level record.
 */
export class MetricsPlugin implements Plugin, MultiAgentPlugin {
  readonly name = 'metrics';
  readonly metrics: Metrics;
  /** @internal open runs by agent or orchestrator (Strands runs one invocation of each at a time) */
  readonly runs: OpenRuns<object, AgentRun>;

  constructor(input: StrandsMetricsInput = {}) {
    this.metrics = toMetrics(input);
    const { openRunTimeoutMs, maxOpenRuns } = adapterOptions<StrandsAdapterOptions>(input);
    this.runs = new OpenRuns((run) => run.recorder.end(), this.metrics.diagnostics, SOURCE, {
      openRunTimeoutMs,
      maxOpenRuns,
    });
  }

  /**
   * Called by the agent (from its `plugins`) when it initializes. Typed `object` so the plugin fits
   * the `Plugin` type of any copy of the SDK.
   */
  initAgent(target: object): void {
    const agent = target as LocalAgent;
    if (!claim(agent)) return;
    if (!(agent instanceof Agent)) warnOtherCopy(this.metrics);
    addAgentHooks(agent, this.metrics, this.runs);
    guard(this.metrics.diagnostics, SOURCE, () =>
      observeRunErrors(agent, this.runs, this.metrics.diagnostics),
    );
    agent.addMiddleware(InvokeModelStage, meterModelCalls(this.runs, this.metrics.diagnostics));
  }

  /** Called by a `Graph` or `Swarm` (from its `plugins`); also measures its node agents. */
  initMultiAgent(target: object): void {
    const orchestrator = target as MultiAgent;
    if (!claim(orchestrator)) return;
    addMultiAgentHooks(orchestrator, this.metrics, this.runs);
    for (const agent of nodeAgents(orchestrator)) this.initAgent(agent);
  }

  /** Delivers what the exporters hold. */
  flush(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.metrics.flush(options);
  }

  /** Ends the runs still open (as they stand) and shuts the exporters down. */
  shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    this.runs.finishAll();
    return this.metrics.shutdown(options);
  }
}

/** Strands matches hooks by event class: an agent of another copy of the SDK fires events this plugin's classes never match. */
function warnOtherCopy(metrics: Metrics): void {
  metrics.diagnostics.emit({
    type: 'strands.other-sdk-copy',
    level: 'warn',
    source: SOURCE,
    message:
      'an agent from another copy of @strands-agents/sdk than the one @metrics/strands loads: its events cannot reach the plugin (install one copy)',
  });
}

function claim(target: object): boolean {
  if (Object.hasOwn(target, ATTACHED)) return false;
  Object.defineProperty(target, ATTACHED, { value: true, configurable: true });
  return true;
}

/** The local agents among a graph's or swarm's nodes (`AgentNode.agent` with hooks and middleware). */
function nodeAgents(orchestrator: MultiAgent): LocalAgent[] {
  const nodes = (orchestrator as { nodes?: unknown }).nodes;
  if (!(nodes instanceof Map)) return [];
  const agents: LocalAgent[] = [];
  for (const node of nodes.values()) {
    const agent = (node as { agent?: Partial<LocalAgent> }).agent;
    if (typeof agent?.addHook === 'function' && typeof agent.addMiddleware === 'function')
      agents.push(agent as LocalAgent);
  }
  return agents;
}
