import { InvocationRecorder, type Metrics, type ProviderType, type ToolCall, guard } from '@metrics/core';
import { type AttemptLog, OpenRuns, type OpenRunsOptions } from '@metrics/core/adapter';
import { SOURCE } from './options.js';
import { failedRunEnd } from './run-errors.js';

/** One top-level invocation: the recorder plus everything needed to close it. */
export interface RootRun {
  readonly id: string;
  readonly recorder: InvocationRecorder;
  /** Every open LangChain run of this invocation, by run id (the root's own included). */
  readonly nodes: Map<string, RunNode>;
  /** Tool call ids whose tool callbacks fired (so error `ToolMessage`s are not counted twice). */
  readonly seenToolCalls: Set<string>;
  /** The run is measured by the metrics middleware: the handler's record is dropped. */
  ownedByMiddleware: boolean;
}

export interface ModelRun {
  kind: 'model';
  root: RootRun;
  recorder: InvocationRecorder;
  parentRunId: string | undefined;
  startedAt: number;
  firstTokenAt?: number;
  streamed: boolean;
  model?: string;
  provider?: string;
  anthropicVersion?: string;
  /** The HTTP attempts of the call (LangChain's and the provider client's retries), seen by the core. */
  attempts: AttemptLog;
}

export interface ToolRun {
  kind: 'tool';
  root: RootRun;
  recorder: InvocationRecorder;
  call: ToolCall;
}

export interface ChainRun {
  kind: 'chain';
  root: RootRun;
  recorder: InvocationRecorder;
  /** A LangGraph node: its output is scanned for error `ToolMessage`s. */
  scan: boolean;
  /** A nested graph (sub-graph, sub-agent): its own member run. */
  member?: InvocationRecorder;
}

export type RunNode = ModelRun | ToolRun | ChainRun;

/**
 * The open invocations of a handler (shared by every copy of it), on the core's `OpenRuns`: each
 * invocation under its root run id, every child run id linked to it, so concurrent invocations
 * never mix. A live invocation is never evicted; one silent for `openRunTimeoutMs` (or past the
 * `maxOpenRuns` memory bound) is finished as it stands and its late events are dropped.
 */
export class RunTree {
  private readonly open: OpenRuns<string, RootRun>;

  constructor(
    private readonly metrics: Metrics,
    options: OpenRunsOptions,
    /** Told of every run forgotten with its invocation (an evicted run's model call still open, say). */
    private readonly onForget: (node: RunNode) => void,
  ) {
    this.open = new OpenRuns((root) => this.end(root), metrics.diagnostics, SOURCE, options);
  }

  get openInvocations(): number {
    return this.open.size;
  }

  /** The open run `runId`, if its invocation is open. */
  node(runId: string): RunNode | undefined {
    return this.open.get(runId)?.nodes.get(runId);
  }

  /** The open invocation run `runId` belongs to. */
  rootOf(runId: string): RootRun | undefined {
    return this.open.get(runId);
  }

  /** Whether run `runId` belonged to an evicted invocation (its events are dropped). */
  wasEvicted(runId: string): boolean {
    return this.open.wasEvicted(runId);
  }

  startRoot(runId: string, providerType: ProviderType, name: string | undefined): RootRun {
    const root: RootRun = {
      id: runId,
      nodes: new Map(),
      seenToolCalls: new Set(),
      ownedByMiddleware: false,
      recorder: this.recorder(providerType, name, () => root),
    };
    this.open.add(runId, root);
    return root;
  }

  private recorder(providerType: ProviderType, name: string | undefined, root: () => RootRun) {
    const { sessionId, toolTypes, diagnostics } = this.metrics.options;
    return new InvocationRecorder(
      {
        providerType,
        ...(sessionId !== undefined ? { sessionId } : {}),
        ...(name !== undefined ? { name } : {}),
      },
      {
        onEnd: (record) => {
          if (!root().ownedByMiddleware) this.metrics.export(record);
        },
        diagnostics,
        ...(toolTypes ? { toolTypes } : {}),
      },
    );
  }

  add(runId: string, node: RunNode): void {
    node.root.nodes.set(runId, node);
    if (runId !== node.root.id) this.open.link(runId, node.root.id);
  }

  /** Forgets a child run that ended (its invocation stays open). */
  remove(runId: string, node: RunNode): void {
    node.root.nodes.delete(runId);
    if (runId !== node.root.id) this.open.unlink(runId);
  }

  /**
   * Ends an invocation: its record goes to the exporters; its runs are forgotten. A guardrail's
   * error (a middleware's block) is a guardrail hit, not an error.
   */
  finish(root: RootRun, error?: unknown): void {
    if (!this.open.delete(root.id)) return;
    this.end(root, error === undefined ? {} : failedRunEnd(root.recorder, error));
  }

  private end(root: RootRun, options: { error?: unknown; countError?: boolean } = {}): void {
    for (const node of root.nodes.values()) this.onForget(node);
    root.nodes.clear();
    guard(this.metrics.diagnostics, SOURCE, () => root.recorder.end(options));
  }

  /** Closes every open invocation (process shutdown). */
  finishAll(): void {
    this.open.finishAll();
  }
}
