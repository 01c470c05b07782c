import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { InvocationRecorder, Metrics } from '@metrics/core';
import { type AttemptLog, adapterOptions, attemptFetch, toMetrics } from '@metrics/core/adapter';
import {
  collectToolMessages,
  detectToolType,
  isFirstToken,
  isFirstTokenEvent,
  isRunId,
  runIdArg,
  serializedName,
  toolMessageFields,
  toolMessageStatus,
} from './langchain-shapes.js';
import { startChildChain, startRootChain } from './chain-runs.js';
import { ModelRuns } from './model-runs.js';
import { type LangChainAdapterOptions, type LangChainMetricsOptions, SOURCE } from './options.js';
import { type ChainRun, type RootRun, type RunNode, RunTree } from './run-tree.js';
import { endToolCall, recordUnseenToolMessage } from './tool-messages.js';

export { ToolMessageError } from './tool-messages.js';

/** The handler's name in LangChain's callback managers (the middleware finds it by this name). */
export const HANDLER_NAME = 'AgentMetricsCallbackHandler';

/**
 * A LangChain callback handler that turns every top-level `invoke`/`stream` of a chain,
 * `createAgent` agent or LangGraph graph into one invocation record. Works per invocation
 * (`{ callbacks: [handler] }`) and shared across concurrent invocations (the run tree is
 * rebuilt from `runId`/`parentRunId`). Its callbacks are awaited, so a record is complete
 * when the user's `await` returns, whatever `LANGCHAIN_CALLBACKS_BACKGROUND` says.
 */
export class MetricsCallbackHandler extends BaseCallbackHandler {
  override name = HANDLER_NAME;
  readonly metrics: Metrics;
  /** @internal */
  readonly tree: RunTree;
  private readonly models: ModelRuns;
  private readonly deferToMiddleware: boolean;

  constructor(options: LangChainMetricsOptions | Metrics = {}) {
    super({ _awaitHandler: true, ignoreRetriever: true, ignoreCustomEvent: true });
    this.awaitHandlers = true;
    this.metrics = toMetrics(options);
    const opts = adapterOptions<LangChainAdapterOptions>(options);
    this.models = new ModelRuns(this.metrics.diagnostics, opts.correctAnthropicStreamedUsage !== false);
    this.tree = new RunTree(this.metrics, opts, (node) => {
      if (node.kind === 'model') this.models.close(node);
    });
    this.deferToMiddleware = opts.deferToMiddleware !== false;
  }

  /** LangChain copies handlers in some paths; a copy must share the run tree. */
  override copy(): this {
    return this;
  }

  /** Ends every invocation still open (e.g. before the process exits) and flushes the exporters. */
  async flush(): Promise<void> {
    this.tree.finishAll();
    await this.metrics.flush();
  }

  /** Ends every invocation still open, then flushes and shuts the exporters down. */
  async shutdown(): Promise<void> {
    this.tree.finishAll();
    await this.metrics.shutdown();
  }

  /**
   * @deprecated Not needed: every HTTP attempt of a model call is seen without it (through Node's
   * diagnostics channels). Returns `base` (or the global `fetch`) unchanged where those channels
   * exist, and a `fetch` that notes attempts where they do not.
   */
  fetch(base?: typeof globalThis.fetch): typeof globalThis.fetch {
    return attemptFetch(base);
  }

  /** @internal The attempts of the open model run under LangChain's current parent run. */
  attemptsUnder(parentRunId: unknown): AttemptLog | undefined {
    return this.models.attemptsUnder(parentRunId);
  }

  /** @internal The metrics middleware measures the run this LangChain run belongs to: drop this handler's record. */
  deferRun(runId: unknown): void {
    if (!this.deferToMiddleware || typeof runId !== 'string') return;
    const root = this.tree.rootOf(runId);
    if (root) root.ownedByMiddleware = true;
  }

  // Each callback catches its own faults in its body: a closure per callback for a shared
  // wrapper cost more than most callbacks' work, on every chain event of every graph step.
  private failed(what: string, fault: unknown): void {
    this.metrics.diagnostics.reportError(SOURCE, fault, `${what} failed and was skipped`);
  }

  /** The open parent run; `null` when it belonged to an evicted invocation (the event is dropped). */
  private parentOf(parentRunId: string | undefined): RunNode | null | undefined {
    if (parentRunId === undefined) return undefined;
    return this.tree.node(parentRunId) ?? (this.tree.wasEvicted(parentRunId) ? null : undefined);
  }

  /**
   * The invocation a model or tool run belongs to (a new one at the top level) and the recorder
   * of its parent (a sub-graph's member run); `undefined` when the event is dropped.
   */
  private ownerFor(
    runId: string,
    parentRunId: string | undefined,
    name?: string,
  ): { root: RootRun; recorder: InvocationRecorder } | undefined {
    const parent = this.parentOf(parentRunId);
    if (parent === null) return undefined;
    if (parent) return { root: parent.root, recorder: parent.recorder };
    const root = this.tree.startRoot(runId, 'LANGCHAIN', name);
    return { root, recorder: root.recorder };
  }

  // ── chains and graphs ──────────────────────────────────────────────────────────────────

  override handleChainStart(
    chain: unknown,
    _inputs: unknown,
    runId: string,
    a3?: unknown,
    _tags?: unknown,
    metadata?: Record<string, unknown>,
    a6?: unknown,
    a7?: unknown,
  ): void {
    try {
      // @langchain/core 1.x passes (…, runId, parentRunId, tags, metadata, runType, runName);
      // its .d.ts documents (…, runId, runType, tags, metadata, runName, parentRunId).
      const parentRunId = runIdArg(a3) ?? runIdArg(a7);
      const runName = typeof a7 === 'string' && !isRunId(a7) ? a7 : typeof a6 === 'string' ? a6 : undefined;
      const parent = this.parentOf(parentRunId);
      if (parent === null) return;
      const start = { runId, chain, metadata, runName };
      if (parent) startChildChain(this.tree, parent, start, this.deferToMiddleware);
      else startRootChain(this.tree, start);
    } catch (fault) {
      this.failed('handleChainStart', fault);
    }
  }

  override handleChainEnd(outputs: unknown, runId: string): void {
    try {
      const run = this.tree.node(runId);
      if (run?.kind !== 'chain') return;
      // tool calls that failed without a tool callback (unknown tool, invalid arguments)
      if (run.scan)
        for (const message of collectToolMessages(outputs))
          if (toolMessageStatus(message) === 'error')
            recordUnseenToolMessage(run.recorder, run.root.seenToolCalls, toolMessageFields(message));
      this.endChain(run, runId);
    } catch (fault) {
      this.failed('handleChainEnd', fault);
    }
  }

  override handleChainError(error: unknown, runId: string): void {
    try {
      const run = this.tree.node(runId);
      if (run?.kind === 'chain') this.endChain(run, runId, error);
    } catch (fault) {
      this.failed('handleChainError', fault);
    }
  }

  private endChain(run: ChainRun, runId: string, error?: unknown): void {
    if (run.root.id === runId) {
      this.tree.finish(run.root, error);
      return;
    }
    this.tree.remove(runId, run);
    if (run.member) run.member.end(error === undefined ? {} : { error, countError: false });
  }

  // ── model calls ────────────────────────────────────────────────────────────────────────

  override handleChatModelStart(
    llm: unknown,
    _messages: unknown,
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    try {
      this.startModel(runId, parentRunId, { llm, extraParams, metadata }, runName);
    } catch (fault) {
      this.failed('handleChatModelStart', fault);
    }
  }

  override handleLLMStart(
    llm: unknown,
    _prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    try {
      this.startModel(runId, parentRunId, { llm, extraParams, metadata }, runName);
    } catch (fault) {
      this.failed('handleLLMStart', fault);
    }
  }

  private startModel(
    runId: string,
    parentRunId: string | undefined,
    start: { llm: unknown; extraParams: unknown; metadata: unknown },
    runName: string | undefined,
  ): void {
    const owner = this.ownerFor(runId, parentRunId, runName);
    if (owner) this.tree.add(runId, this.models.start(owner, parentRunId, start));
  }

  override handleLLMNewToken(
    token: string,
    _idx: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: unknown,
  ): void {
    const run = this.tree.node(runId);
    if (run?.kind === 'model') this.models.chunk(run, isFirstToken(token, fields));
  }

  override handleChatModelStreamEvent(event: unknown, runId: string): void {
    const run = this.tree.node(runId);
    if (run?.kind === 'model') this.models.chunk(run, isFirstTokenEvent(event));
  }

  override handleLLMEnd(
    output: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    extraParams?: Record<string, unknown>,
  ): void {
    try {
      const run = this.tree.node(runId);
      if (run?.kind !== 'model') return;
      this.tree.remove(runId, run);
      this.models.end(run, output, extraParams);
      if (run.root.id === runId) this.tree.finish(run.root);
    } catch (fault) {
      this.failed('handleLLMEnd', fault);
    }
  }

  override handleLLMError(error: unknown, runId: string): void {
    try {
      const run = this.tree.node(runId);
      if (run?.kind !== 'model') return;
      this.tree.remove(runId, run);
      this.models.fail(run, error);
      if (run.root.id === runId) this.tree.finish(run.root, error);
    } catch (fault) {
      this.failed('handleLLMError', fault);
    }
  }

  // ── tools ──────────────────────────────────────────────────────────────────────────────

  override handleToolStart(
    tool: unknown,
    _input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): void {
    try {
      const owner = this.ownerFor(runId, parentRunId, runName);
      if (!owner) return;
      const { root, recorder } = owner;
      const name = runName ?? serializedName(tool);
      if (toolCallId) root.seenToolCalls.add(toolCallId);
      const call = recorder.startToolCall({
        name,
        type: detectToolType(metadata),
        ...(toolCallId ? { callId: toolCallId } : {}),
      });
      this.tree.add(runId, { kind: 'tool', root, recorder, call });
    } catch (fault) {
      this.failed('handleToolStart', fault);
    }
  }

  override handleToolEnd(output: unknown, runId: string): void {
    try {
      const run = this.tree.node(runId);
      if (run?.kind !== 'tool') return;
      this.tree.remove(runId, run);
      endToolCall(run.call, output);
      if (run.root.id === runId) this.tree.finish(run.root);
    } catch (fault) {
      this.failed('handleToolEnd', fault);
    }
  }

  override handleToolError(error: unknown, runId: string): void {
    try {
      const run = this.tree.node(runId);
      if (run?.kind !== 'tool') return;
      this.tree.remove(runId, run);
      run.call.fail(error);
      if (run.root.id === runId) this.tree.finish(run.root, error);
    } catch (fault) {
      this.failed('handleToolError', fault);
    }
  }
}
