import { type Diagnostics, type InvocationRecorder, type RecordedModelCall, now } from '@metrics/core';
import { AttemptLog } from '@metrics/core/adapter';
import { anthropicVersion, correctedUsage } from './anthropic-fix.js';
import { type AttemptSource, unwatchAttempts, watchAttempts } from './attempt-resolver.js';
import { isCached, readModelOutput, readRequestedModel, readStartMetadata } from './langchain-shapes.js';
import { SOURCE } from './options.js';
import type { ModelRun, RootRun } from './run-tree.js';

/**
 * The handler's open model calls: what a chat model start says about the call, its record at the
 * end, and, by parent run id, the HTTP attempts LangChain's own retries make.
 */
export class ModelRuns implements AttemptSource {
  /**
   * The only open run while there is one (the usual case), kept out of `byParent`: a map entry
   * made and deleted on every model call emptied the map each time, and V8 shrinks an emptied
   * `Map`'s table (a runtime call and a new table).
   */
  private single: ModelRun | undefined;
  /** The open runs by parent run id while two or more are open: the run itself while it is the only one under its parent, else a set. */
  private readonly byParent = new Map<string, ModelRun | Set<ModelRun>>();
  private count = 0;

  constructor(
    private readonly diagnostics: Diagnostics,
    private readonly fixAnthropic: boolean,
  ) {}

  /** A model call starts (`handleChatModelStart`/`handleLLMStart`). */
  start(
    owner: { root: RootRun; recorder: InvocationRecorder },
    parentRunId: string | undefined,
    start: { llm: unknown; extraParams: unknown; metadata: unknown },
  ): ModelRun {
    const run: ModelRun = {
      kind: 'model',
      root: owner.root,
      recorder: owner.recorder,
      parentRunId,
      startedAt: now(),
      streamed: false,
      attempts: new AttemptLog(),
    };
    const metadata = readStartMetadata(start.metadata);
    const model = readRequestedModel(start.extraParams, metadata);
    if (model !== undefined) run.model = model;
    if (typeof metadata.provider === 'string') run.provider = metadata.provider;
    const anthropic = anthropicVersion(start.llm, metadata);
    if (anthropic !== undefined) run.anthropicVersion = anthropic;
    this.open(run);
    return run;
  }

  /** A streamed chunk arrived; `first` when it carries a first token. */
  chunk(run: ModelRun, first: boolean): void {
    run.streamed = true;
    if (run.firstTokenAt === undefined && first) run.firstTokenAt = now();
  }

  /** `handleLLMEnd`: one model call, with its usage (a cache hit, `extraParams.cached`, called no model). */
  end(run: ModelRun, output: unknown, extraParams: unknown): void {
    this.close(run);
    if (isCached(extraParams)) return;
    const result = readModelOutput(output);
    const usage = correctedUsage(result.usage, {
      enabled: this.fixAnthropic,
      streamed: run.streamed,
      anthropicVersion: run.anthropicVersion,
    });
    const call = this.callFields(run);
    const model = result.model ?? run.model;
    if (model !== undefined) call.model = model;
    if (usage) call.usage = usage;
    run.recorder.recordModelCall(call);
  }

  /** `handleLLMError`: the failed model call. */
  fail(run: ModelRun, error: unknown): void {
    this.close(run);
    const call = this.callFields(run);
    if (run.model !== undefined) call.model = run.model;
    call.error = error;
    run.recorder.recordModelCall(call);
  }

  /**
   * What every model call record gets; the core splits out the failed HTTP attempts. Built field
   * by field (no conditional spreads: a copy each, on every model call).
   */
  private callFields(run: ModelRun): RecordedModelCall {
    const call: RecordedModelCall = {
      startedAt: run.startedAt,
      endedAt: now(),
      streamed: run.streamed,
      attempts: run.attempts,
    };
    if (run.firstTokenAt !== undefined) call.firstTokenAt = run.firstTokenAt;
    if (run.provider !== undefined) call.provider = run.provider;
    return call;
  }

  /** @internal The attempts of the open model run under LangChain's current parent run, else of the only one open. */
  attemptsUnder(parentRunId: unknown): AttemptLog | undefined {
    if (this.single !== undefined) return this.single.attempts;
    if (typeof parentRunId === 'string') {
      const under = this.byParent.get(parentRunId);
      if (under !== undefined && !(under instanceof Set)) return under.attempts;
      if (under?.size === 1) return under.values().next().value?.attempts;
    }
    if (this.count === 1)
      for (const runs of this.byParent.values()) {
        if (!(runs instanceof Set)) return runs.attempts;
        for (const run of runs) return run.attempts;
      }
    if (this.count > 1)
      this.diagnostics.emit({
        type: 'langchain.attempt-unattributed',
        level: 'debug',
        source: SOURCE,
        message: 'an HTTP attempt could not be tied to one model call and was not recorded',
      });
    return undefined;
  }

  private open(run: ModelRun): void {
    if (this.count === 0) this.single = run;
    else {
      if (this.single !== undefined) this.index(this.single);
      this.single = undefined;
      this.index(run);
    }
    if (this.count++ === 0) watchAttempts(this);
  }

  private index(run: ModelRun): void {
    const key = run.parentRunId ?? '';
    const runs = this.byParent.get(key);
    if (runs === undefined) this.byParent.set(key, run);
    else if (runs instanceof Set) runs.add(run);
    else this.byParent.set(key, new Set([runs, run]));
  }

  /** The call ended, or its invocation was finished without it (eviction, `flush()`). */
  close(run: ModelRun): void {
    if (this.single === run) this.single = undefined;
    else if (!this.unindex(run)) return;
    if (--this.count === 0) unwatchAttempts(this);
  }

  private unindex(run: ModelRun): boolean {
    const key = run.parentRunId ?? '';
    const runs = this.byParent.get(key);
    if (runs === run) this.byParent.delete(key);
    else if (runs instanceof Set && runs.delete(run)) {
      if (runs.size === 0) this.byParent.delete(key);
    } else return false;
    return true;
  }
}
