import { InvocationRecorder, type Metrics, type ProviderType, type ToolCall, guard } from '@metrics/core';
import {
  type AttemptLog,
  type OpenRun,
  OpenRuns,
  type OpenRunsOptions,
  SteadyMap,
} from '@metrics/core/adapter';
import { SOURCE } from './options.js';
import { failedRunEnd } from './run-errors.js';

/** One top-level invocation: the recorder plus everything needed to close it. */
export interface RootRun {
  readonly id: string;
  readonly recorder: InvocationRecorder;
  /** Its entry in the core's open runs (set once it is added). */
  handle: OpenRun<string> | undefined;
  /** How many of its child runs are open (their ids are attached to `handle`). */
  openChildren: number;
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
 * The open invocations of a handler (shared by every copy of it): every open LangChain run by its
 * run id in one map, each tied to its invocation, so concurrent invocations never mix; the
 * invocations themselves on the core's `OpenRuns`. A live invocation is never evicted; one silent
 * for `openRunTimeoutMs` (or past the `maxOpenRuns` memory bound) is finished as it stands and
 * its late events (its child runs' included) are dropped.
 */
export class RunTree {
  private readonly open: OpenRuns<string, RootRun>;
  /** Every open run of every open invocation (each invocation's own run included), by run id. */
  private readonly nodes = new SteadyMap<string, RunNode>();

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

  /** The open run `runId` (its invocation marked as seen); a late event of an evicted invocation is counted. */
  node(runId: string): RunNode | undefined {
    const node = this.nodes.get(runId);
    if (node === undefined) {
      this.open.get(runId);
      return undefined;
    }
    if (node.root.handle) this.open.seen(node.root.handle);
    return node;
  }

  /** The open invocation run `runId` belongs to. */
  rootOf(runId: string): RootRun | undefined {
    return this.node(runId)?.root;
  }

  /** Whether run `runId` belonged to an evicted invocation (its events are dropped). */
  wasEvicted(runId: string): boolean {
    return this.open.wasEvicted(runId);
  }

  startRoot(runId: string, providerType: ProviderType, name: string | undefined): RootRun {
    const root: RootRun = {
      id: runId,
      handle: undefined,
      openChildren: 0,
      seenToolCalls: new Set(),
      ownedByMiddleware: false,
      recorder: this.recorder(providerType, name, () => root),
    };
    root.handle = this.open.add(runId, root);
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
    this.nodes.set(runId, node);
    const { root } = node;
    if (runId === root.id || !root.handle) return;
    this.open.attach(root.handle, runId);
    root.openChildren++;
  }

  /** Forgets a run that ended (its invocation stays open). */
  remove(runId: string, node: RunNode): void {
    if (!this.nodes.delete(runId) || runId === node.root.id) return;
    node.root.openChildren--;
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
    this.forget(root, root.id);
    if (root.openChildren > 0 && root.handle)
      for (const id of this.open.attachedKeys(root.handle)) this.forget(root, id);
    root.openChildren = 0;
    guard(this.metrics.diagnostics, SOURCE, () => root.recorder.end(options));
  }

  /** Forgets run `runId` if it is still open in `root`. */
  private forget(root: RootRun, runId: string): void {
    const node = this.nodes.get(runId);
    if (node?.root !== root) return;
    this.nodes.delete(runId);
    this.onForget(node);
  }

  /** Closes every open invocation (process shutdown). */
  finishAll(): void {
    this.open.finishAll();
  }
}
