import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { type Metrics, type ProviderType, now } from '@metrics/core';
import { AttemptLog, attemptFetch } from '@metrics/core/adapter';
import { type AttemptSource, unwatchAttempts, watchAttempts } from './attempt-resolver.js';
import { anthropicVersion, correctAnthropicStreamedUsage, isAffectedVersion } from './anthropic-fix.js';
import {
  asToolMessage,
  collectToolMessages,
  detectToolType,
  get,
  guardrailName,
  isCreateAgent,
  isFirstToken,
  isFirstTokenEvent,
  isGraph,
  isToolLimitMessage,
  readModelOutput,
  readRequestedModel,
} from './langchain-shapes.js';
import { MIDDLEWARE_NAME } from './middleware-name.js';
import { type LangChainMetricsOptions, SOURCE, toMetrics } from './options.js';
import { type ChainRun, type ModelRun, type RootRun, type RunNode, RunTree } from './run-tree.js';

/** A LangChain run id (a UUID): cheap shape check, no regex on the hot path. */
function isRunId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length === 36 &&
    value.charCodeAt(8) === 45 &&
    value.charCodeAt(23) === 45
  );
}

function runIdArg(value: unknown): string | undefined {
  return isRunId(value) ? value : undefined;
}

/** A tool whose error came back as an error `ToolMessage` (no exception to classify). */
export class ToolMessageError extends Error {
  override name = 'ToolMessageError';
}

/**
 * A LangChain callback handler that turns every top-level `invoke`/`stream` of a chain,
 * `createAgent` agent or LangGraph graph into one invocation record. Works per invocation
 * (`{ callbacks: [handler] }`) and shared across concurrent invocations (the run tree is
 * rebuilt from `runId`/`parentRunId`). Its callbacks are awaited, so a record is complete
 * when the user's `await` returns, whatever `LANGCHAIN_CALLBACKS_BACKGROUND` says.
 */
export class MetricsCallbackHandler extends BaseCallbackHandler implements AttemptSource {
  override name = 'AgentMetricsCallbackHandler';
  readonly metrics: Metrics;
  /** @internal */
  readonly tree: RunTree;
  private readonly fixAnthropic: boolean;
  private readonly deferToMiddleware: boolean;
  /** Open model runs by parent run id, for the HTTP attempts LangChain's own retries make. */
  private readonly openModels = new Map<string, Set<ModelRun>>();
  private openModelCount = 0;

  constructor(options: LangChainMetricsOptions | Metrics = {}) {
    super({ _awaitHandler: true, ignoreRetriever: true, ignoreCustomEvent: true });
    this.awaitHandlers = true;
    this.metrics = toMetrics(options);
    const opts = options as LangChainMetricsOptions;
    this.tree = new RunTree(this.metrics, Math.max(1, opts.maxOpenRuns ?? 1000), (node) => {
      if (node.kind === 'model') this.closeModel(node);
    });
    this.fixAnthropic = opts.correctAnthropicStreamedUsage !== false;
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

  /**
   * @deprecated Not needed: every HTTP attempt of a model call is seen without it (through Node's
   * diagnostics channels). Returns `base` (or the global `fetch`) unchanged where those channels
   * exist, and a `fetch` that notes attempts where they do not.
   */
  fetch(base?: typeof globalThis.fetch): typeof globalThis.fetch {
    return attemptFetch(base);
  }

  /** @internal The attempts of the open model run under LangChain's current parent run, else of the only one open. */
  attemptsUnder(parentRunId: unknown): AttemptLog | undefined {
    if (typeof parentRunId === 'string') {
      const under = this.openModels.get(parentRunId);
      if (under?.size === 1) return under.values().next().value?.attempts;
    }
    if (this.openModelCount === 1)
      for (const runs of this.openModels.values()) for (const run of runs) return run.attempts;
    if (this.openModelCount > 1)
      this.metrics.diagnostics.emit({
        type: 'langchain.attempt-unattributed',
        level: 'debug',
        source: SOURCE,
        message: 'an HTTP attempt could not be tied to one model call and was not recorded',
      });
    return undefined;
  }

  private openModel(run: ModelRun): void {
    const key = run.parentRunId ?? '';
    let runs = this.openModels.get(key);
    if (!runs) {
      runs = new Set();
      this.openModels.set(key, runs);
    }
    runs.add(run);
    if (this.openModelCount++ === 0) watchAttempts(this);
  }

  private closeModel(run: ModelRun): void {
    const key = run.parentRunId ?? '';
    const runs = this.openModels.get(key);
    if (!runs?.delete(run)) return;
    if (runs.size === 0) this.openModels.delete(key);
    if (--this.openModelCount === 0) unwatchAttempts(this);
  }

  /** @internal The metrics middleware measures the run this LangChain run belongs to: drop this handler's record. */
  deferRun(runId: unknown): void {
    if (!this.deferToMiddleware || typeof runId !== 'string') return;
    const run = this.tree.runs.get(runId);
    if (run) run.root.ownedByMiddleware = true;
  }

  private safe(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error, `${what} failed and was skipped`);
    }
  }

  private parentOf(parentRunId: string | undefined): RunNode | undefined {
    return parentRunId === undefined ? undefined : this.tree.runs.get(parentRunId);
  }

  private rootFor(
    runId: string,
    parentRunId: string | undefined,
    providerType: ProviderType,
    name?: string,
  ): { root: RootRun; recorder: RunNode['recorder']; isRoot: boolean } {
    const parent = this.parentOf(parentRunId);
    if (parent) return { root: parent.root, recorder: parent.recorder, isRoot: false };
    const root = this.tree.startRoot(runId, providerType, name);
    return { root, recorder: root.recorder, isRoot: true };
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
    this.safe('handleChainStart', () => {
      // @langchain/core 1.x passes (…, runId, parentRunId, tags, metadata, runType, runName);
      // its .d.ts documents (…, runId, runType, tags, metadata, runName, parentRunId).
      const parentRunId = runIdArg(a3) ?? runIdArg(a7);
      const runName = typeof a7 === 'string' && !isRunId(a7) ? a7 : typeof a6 === 'string' ? a6 : undefined;
      const graph = isGraph(chain);
      const parent = this.parentOf(parentRunId);
      if (!parent) {
        const provider: ProviderType = graph && !isCreateAgent(metadata) ? 'LANGGRAPH' : 'LANGCHAIN';
        const root = this.tree.startRoot(runId, provider, runName);
        this.tree.add(runId, { kind: 'chain', root, recorder: root.recorder, scan: false });
        return;
      }
      const node = get(metadata, 'langgraph_node');
      if (this.deferToMiddleware && typeof node === 'string' && node.startsWith(`${MIDDLEWARE_NAME}.`))
        parent.root.ownedByMiddleware = true;
      if (graph) {
        const member = parent.recorder.startMemberRun({
          kind: isCreateAgent(metadata) ? 'subagent' : 'subgraph',
          ...(runName !== undefined ? { name: runName } : {}),
        });
        this.tree.add(runId, { kind: 'chain', root: parent.root, recorder: member, scan: false, member });
        return;
      }
      this.tree.add(runId, {
        kind: 'chain',
        root: parent.root,
        recorder: parent.recorder,
        scan: typeof node === 'string' && node === runName,
      });
    });
  }

  override handleChainEnd(outputs: unknown, runId: string): void {
    this.safe('handleChainEnd', () => {
      const run = this.tree.runs.get(runId);
      if (run?.kind !== 'chain') return;
      if (run.scan) this.countToolMessageErrors(run, outputs);
      this.endChain(run, runId);
    });
  }

  override handleChainError(error: unknown, runId: string): void {
    this.safe('handleChainError', () => {
      const run = this.tree.runs.get(runId);
      if (run?.kind !== 'chain') return;
      this.endChain(run, runId, error);
    });
  }

  private endChain(run: ChainRun, runId: string, error?: unknown): void {
    if (run.root.id === runId) {
      this.finishRoot(run.root, error);
      return;
    }
    this.tree.runs.delete(runId);
    if (run.member) run.member.end(error === undefined ? {} : { error, countError: false });
  }

  private finishRoot(root: RootRun, error?: unknown): void {
    if (error === undefined) {
      this.tree.finish(root);
      return;
    }
    const guardrail = guardrailName(error);
    if (guardrail) root.recorder.recordGuardrailTrip({ name: guardrail, kind: 'middleware' });
    this.tree.finish(root, { error, countError: guardrail === undefined });
  }

  /** Tool calls that failed without a tool callback (unknown tool, invalid arguments), from a node's output. */
  private countToolMessageErrors(run: ChainRun, outputs: unknown): void {
    for (const message of collectToolMessages(outputs)) {
      if (message.status !== 'error' || message.toolCallId === undefined) continue;
      if (run.root.seenToolCalls.has(message.toolCallId)) continue;
      run.root.seenToolCalls.add(message.toolCallId);
      if (isToolLimitMessage(message)) {
        run.recorder.recordGuardrailTrip({ name: 'ToolCallLimitExceeded', kind: 'tool-call-limit' });
        continue;
      }
      run.recorder.recordToolCall({
        name: message.name ?? 'unknown',
        callId: message.toolCallId,
        outcome: 'failure',
        error: new ToolMessageError('the tool call failed before the tool ran'),
      });
    }
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
    this.safe('handleChatModelStart', () =>
      this.startModel(llm, runId, parentRunId, extraParams, metadata, runName),
    );
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
    this.safe('handleLLMStart', () =>
      this.startModel(llm, runId, parentRunId, extraParams, metadata, runName),
    );
  }

  private startModel(
    llm: unknown,
    runId: string,
    parentRunId: string | undefined,
    extraParams: unknown,
    metadata: unknown,
    runName: string | undefined,
  ): void {
    const { root, recorder } = this.rootFor(runId, parentRunId, 'LANGCHAIN', runName);
    const run: ModelRun = {
      kind: 'model',
      root,
      recorder,
      parentRunId,
      startedAt: now(),
      streamed: false,
      attempts: new AttemptLog(),
    };
    const model = readRequestedModel(extraParams, metadata);
    if (model !== undefined) run.model = model;
    const provider = get(metadata, 'ls_provider');
    if (typeof provider === 'string') run.provider = provider;
    const anthropic = anthropicVersion(llm, metadata);
    if (anthropic !== undefined) run.anthropicVersion = anthropic;
    this.tree.add(runId, run);
    this.openModel(run);
  }

  override handleLLMNewToken(
    token: string,
    _idx: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: unknown,
  ): void {
    const run = this.tree.runs.get(runId);
    if (run?.kind !== 'model') return;
    run.streamed = true;
    if (run.firstTokenAt === undefined && isFirstToken(token, fields)) run.firstTokenAt = now();
  }

  override handleChatModelStreamEvent(event: unknown, runId: string): void {
    const run = this.tree.runs.get(runId);
    if (run?.kind !== 'model') return;
    run.streamed = true;
    if (run.firstTokenAt === undefined && isFirstTokenEvent(event)) run.firstTokenAt = now();
  }

  override handleLLMEnd(
    output: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    extraParams?: Record<string, unknown>,
  ): void {
    this.safe('handleLLMEnd', () => {
      const run = this.tree.runs.get(runId);
      if (run?.kind !== 'model') return;
      this.tree.runs.delete(runId);
      this.closeModel(run);
      // A cache hit (`extraParams.cached`) called no model: it is not a model invocation.
      if (get(extraParams, 'cached') !== true) {
        const result = readModelOutput(output);
        let usage = result.usage;
        if (
          this.fixAnthropic &&
          run.streamed &&
          run.anthropicVersion !== undefined &&
          isAffectedVersion(run.anthropicVersion)
        )
          usage = correctAnthropicStreamedUsage(usage);
        const model = result.model ?? run.model;
        run.recorder.recordModelCall({
          ...this.callFields(run),
          ...(model !== undefined ? { model } : {}),
          ...(usage ? { usage } : {}),
        });
      }
      if (run.root.id === runId) this.finishRoot(run.root);
    });
  }

  override handleLLMError(error: unknown, runId: string): void {
    this.safe('handleLLMError', () => {
      const run = this.tree.runs.get(runId);
      if (run?.kind !== 'model') return;
      this.tree.runs.delete(runId);
      this.closeModel(run);
      run.recorder.recordModelCall({
        ...this.callFields(run),
        ...(run.model !== undefined ? { model: run.model } : {}),
        error,
      });
      if (run.root.id === runId) this.finishRoot(run.root, error);
    });
  }

  /** What every model call record of a run gets; the core splits out the failed HTTP attempts. */
  private callFields(run: ModelRun) {
    return {
      startedAt: run.startedAt,
      endedAt: now(),
      streamed: run.streamed,
      attempts: run.attempts,
      ...(run.firstTokenAt !== undefined ? { firstTokenAt: run.firstTokenAt } : {}),
      ...(run.provider !== undefined ? { provider: run.provider } : {}),
    };
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
    this.safe('handleToolStart', () => {
      const { root, recorder } = this.rootFor(runId, parentRunId, 'LANGCHAIN', runName);
      const id = get(tool, 'id');
      const name =
        runName ?? (Array.isArray(id) && typeof id[id.length - 1] === 'string' ? id[id.length - 1] : 'tool');
      if (toolCallId) root.seenToolCalls.add(toolCallId);
      const call = recorder.startToolCall({
        name,
        type: detectToolType(metadata),
        ...(toolCallId ? { callId: toolCallId } : {}),
      });
      this.tree.add(runId, { kind: 'tool', root, recorder, call });
    });
  }

  override handleToolEnd(output: unknown, runId: string): void {
    this.safe('handleToolEnd', () => {
      const run = this.tree.runs.get(runId);
      if (run?.kind !== 'tool') return;
      this.tree.runs.delete(runId);
      if (asToolMessage(output)?.status === 'error')
        run.call.fail(new ToolMessageError('the tool returned an error ToolMessage'));
      else run.call.end();
      if (run.root.id === runId) this.finishRoot(run.root);
    });
  }

  override handleToolError(error: unknown, runId: string): void {
    this.safe('handleToolError', () => {
      const run = this.tree.runs.get(runId);
      if (run?.kind !== 'tool') return;
      this.tree.runs.delete(runId);
      run.call.fail(error);
      if (run.root.id === runId) this.finishRoot(run.root, error);
    });
  }
}
