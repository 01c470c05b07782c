import {
  type Diagnostics,
  InvocationRecorder,
  type Metrics,
  type ProviderType,
  type ToolCall,
  guard,
  now,
} from '@metrics/core';
import type { AttemptLog } from '@metrics/core/adapter';
import { SOURCE } from './options.js';

/** One top-level invocation: the recorder plus everything needed to close it. */
export interface RootRun {
  readonly id: string;
  readonly recorder: InvocationRecorder;
  /** Every LangChain run id attributed to this invocation (deleted with it). */
  readonly runIds: Set<string>;
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
 * The runId → run map shared by every copy of a handler: concurrent invocations never mix
 * because every event is attributed through its own run tree. Bounded: past `maxOpenRuns`
 * open invocations, the oldest is ended and exported as it stands.
 */
export class RunTree {
  readonly runs = new Map<string, RunNode>();
  private readonly roots = new Map<string, RootRun>();

  constructor(
    private readonly metrics: Metrics,
    private readonly maxOpenRuns: number,
    /** Told of every run forgotten with its invocation (an evicted run's model call still open, say). */
    private readonly onForget?: (node: RunNode) => void,
  ) {}

  get diagnostics(): Diagnostics {
    return this.metrics.diagnostics;
  }

  get openInvocations(): number {
    return this.roots.size;
  }

  startRoot(runId: string, providerType: ProviderType, name: string | undefined): RootRun {
    const { sessionId, toolTypes, diagnostics } = this.metrics.options;
    const root: RootRun = {
      id: runId,
      runIds: new Set([runId]),
      seenToolCalls: new Set(),
      ownedByMiddleware: false,
      recorder: undefined as unknown as InvocationRecorder,
    };
    (root as { recorder: InvocationRecorder }).recorder = new InvocationRecorder(
      {
        providerType,
        ...(sessionId !== undefined ? { sessionId } : {}),
        ...(name !== undefined ? { name } : {}),
      },
      {
        onEnd: (record) => {
          if (root.ownedByMiddleware) return;
          this.metrics.export(record);
        },
        diagnostics,
        ...(toolTypes ? { toolTypes } : {}),
      },
    );
    this.roots.set(runId, root);
    if (this.roots.size > this.maxOpenRuns) this.evictOldest();
    return root;
  }

  add(runId: string, node: RunNode): void {
    this.runs.set(runId, node);
    node.root.runIds.add(runId);
  }

  /** Ends an invocation: its record goes to the exporters; its runs are forgotten. */
  finish(root: RootRun, options: { error?: unknown; countError?: boolean } = {}): void {
    if (!this.roots.delete(root.id)) return;
    for (const id of root.runIds) {
      const node = this.onForget && this.runs.get(id);
      if (node) this.onForget?.(node);
      this.runs.delete(id);
    }
    guard(this.diagnostics, SOURCE, () => root.recorder.end(options));
  }

  private evictOldest(): void {
    const oldest = this.roots.values().next().value;
    if (!oldest) return;
    this.diagnostics.emit({
      type: 'langchain.run-evicted',
      level: 'warn',
      source: SOURCE,
      message: `more than ${this.maxOpenRuns} invocations were open; the oldest was ended without its end event`,
    });
    this.finish(oldest);
  }

  /** Closes every open invocation (process shutdown). */
  finishAll(): void {
    for (const root of [...this.roots.values()]) this.finish(root);
  }

  now(): number {
    return now();
  }
}
