import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { type Metrics, type ProviderType, classifyError, now } from '@metrics/core';
import { createAttemptFetch } from './attempt-fetch.js';
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
import {
  type ChainRun,
  type FailedAttempt,
  type ModelRun,
  type RootRun,
  type RunNode,
  RunTree,
} from './run-tree.js';

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
export class MetricsCallbackHandler extends BaseCallbackHandler {
  override name = 'AgentMetricsCallbackHandler';
  readonly metrics: Metrics;
  /** @internal */
  readonly tree: RunTree;
  private readonly fixAnthropic: boolean;
  private readonly deferToMiddleware: boolean;

  constructor(options: LangChainMetricsOptions | Metrics = {}) {
    super({ _awaitHandler: true, ignoreRetriever: true, ignoreCustomEvent: true });
    this.awaitHandlers = true;
    this.metrics = toMetrics(options);
    const opts = options as LangChainMetricsOptions;
    this.tree = new RunTree(this.metrics, Math.max(1, opts.maxOpenRuns ?? 1000));
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
   * Opt-in: a `fetch` for the provider client (`new ChatOpenAI({ configuration: { fetch:
   * handler.fetch() } })`) that sees every HTTP attempt, so retried 429s count as throttles and
   * retried attempts as model invocations. Without it, callbacks see one call per `invoke`.
   */
  fetch(base?: typeof globalThis.fetch): typeof globalThis.fetch {
    return createAttemptFetch(() => this.currentModelRun(), this.metrics.diagnostics, base);
  }

  /** The model run an HTTP attempt belongs to: the one under the caller's LangChain run, else the only one open. */
  private currentModelRun(): ModelRun | undefined {
    const config = AsyncLocalStorageProviderSingleton.getRunnableConfig();
    const parentId = get(get(config, 'callbacks'), '_parentRunId');
    let only: ModelRun | undefined;
    let open = 0;
    let match: ModelRun | undefined;
    let matches = 0;
    for (const run of this.tree.runs.values()) {
      if (run.kind !== 'model') continue;
      open++;
      only = run;
      if (parentId !== undefined && run.parentRunId === parentId) {
        match = run;
        matches++;
      }
    }
    if (matches === 1) return match;
    if (open === 1) return only;
    if (open > 1)
      this.metrics.diagnostics.emit({
        type: 'langchain.attempt-unattributed',
        level: 'debug',
        source: SOURCE,
        message: 'an HTTP attempt could not be tied to one model call and was not recorded',
      });
    return undefined;
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
    };
    const model = readRequestedModel(extraParams, metadata);
    if (model !== undefined) run.model = model;
    const provider = get(metadata, 'ls_provider');
    if (typeof provider === 'string') run.provider = provider;
    const anthropic = anthropicVersion(llm, metadata);
    if (anthropic !== undefined) run.anthropicVersion = anthropic;
    this.tree.add(runId, run);
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
        const attempt = this.recordFailedAttempts(run, run.attempts?.failed.length ?? 0);
        const model = result.model ?? run.model;
        run.recorder.recordModelCall({
          ...this.callFields(run, attempt),
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
      const failed = run.attempts?.failed ?? [];
      const last = failed[failed.length - 1];
      // The opt-in fetch saw the final failed attempt too: record it once, with the real error.
      const lastIsThis =
        last !== undefined &&
        run.attempts?.lastFailed === true &&
        last.status === classifyError(error).status;
      const attempt = this.recordFailedAttempts(run, lastIsThis ? failed.length - 1 : failed.length);
      run.recorder.recordModelCall({
        ...this.callFields(run, attempt),
        ...(lastIsThis ? { startedAt: last.startedAt } : {}),
        ...(run.model !== undefined ? { model: run.model } : {}),
        error,
      });
      if (run.root.id === runId) this.finishRoot(run.root, error);
    });
  }

  /** Records the first `count` failed HTTP attempts; returns the attempt number of the next one. */
  private recordFailedAttempts(run: ModelRun, count: number): number {
    const failed = run.attempts?.failed ?? [];
    for (let i = 0; i < count; i++) {
      const attempt = failed[i] as FailedAttempt;
      run.recorder.recordModelCall({
        startedAt: attempt.startedAt,
        endedAt: attempt.endedAt,
        attempt: i + 1,
        streamed: false,
        ...(run.provider !== undefined ? { provider: run.provider } : {}),
        ...(run.model !== undefined ? { model: run.model } : {}),
        error: attempt.error,
      });
    }
    return count + 1;
  }

  private callFields(run: ModelRun, attempt: number) {
    return {
      startedAt: run.attempts && attempt > 1 ? run.attempts.lastStartedAt : run.startedAt,
      endedAt: now(),
      streamed: run.streamed,
      attempt,
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
