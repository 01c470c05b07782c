import type { InvocationOptions, InvocationRecorder, Metrics } from '@metrics/core';
import { OpenRuns, type OpenRunsOptions } from '@metrics/core/adapter';
import { HANDLER_NAME } from './handler.js';
import { type Loose, get } from './langchain-shapes.js';
import { type Scope, currentScope } from './langgraph-scope.js';
import { SOURCE } from './options.js';
import { failedRunEnd } from './run-errors.js';

const LANGCHAIN_INVOCATION: InvocationOptions = Object.freeze({ providerType: 'LANGCHAIN' });

/** One `createAgent` invocation measured by the middleware. */
export interface AgentRun {
  key: object;
  recorder: InvocationRecorder;
  /** Sub-graph depth the run started at: a sub-agent's final answer does not end its parent. */
  depth: number;
  /** Tool call ids this middleware saw (wrapToolCall) or already accounted for. */
  seenToolCalls: Set<string>;
}

/**
 * The middleware's open invocations, on the core's `OpenRuns` keyed by LangGraph's per-call
 * scope: a live run is never evicted, and the late events of an evicted or ended run never
 * start a new record.
 */
export class AgentRuns {
  private readonly open: OpenRuns<object, AgentRun>;
  /** Invocations already ended: later events of theirs are ignored, not recorded as a new run. */
  private readonly ended = new WeakSet<object>();

  constructor(
    private readonly metrics: Metrics,
    options: OpenRunsOptions,
  ) {
    this.open = new OpenRuns((run) => this.end(run), metrics.diagnostics, SOURCE, options);
  }

  get size(): number {
    return this.open.size;
  }

  /** The current graph step's scope; warns once when there is none. */
  scope(): Scope | undefined {
    const scope = currentScope();
    if (!scope)
      this.metrics.diagnostics.emitOnce({
        type: 'langchain.no-run-scope',
        level: 'warn',
        source: SOURCE,
        message:
          'the metrics middleware runs outside a LangGraph invocation it can identify; nothing is recorded',
      });
    return scope;
  }

  /** The open run of `scope`, if any (without starting one). */
  peek(scope: Scope): AgentRun | undefined {
    return this.open.peek(scope.key);
  }

  /** The run of `scope`, started if new; `undefined` for an event after the run ended or was evicted. */
  runFor(scope: Scope): AgentRun | undefined {
    const existing = this.open.get(scope.key);
    if (existing) return existing;
    if (this.open.wasEvicted(scope.key)) return undefined;
    if (this.ended.has(scope.key)) {
      this.metrics.diagnostics.emit({
        type: 'recorder.late-event',
        level: 'debug',
        source: SOURCE,
        message: 'a model or tool call arrived after the run ended (final answer) and was ignored',
      });
      return undefined;
    }
    const run = {
      key: scope.key,
      depth: scope.depth,
      seenToolCalls: new Set<string>(),
      recorder: this.recorder(),
    };
    this.open.add(scope.key, run);
    return run;
  }

  private recorder(): InvocationRecorder {
    // the instance's own recorder hooks (its export, diagnostics, tool types and session id): one
    // shared options literal, where an options spread and an `onEnd` closure were made per run
    return this.metrics.startInvocation(LANGCHAIN_INVOCATION);
  }

  /** Ends a run (its final answer, its error); a guardrail's error is a guardrail hit, not an error. */
  finish(run: AgentRun, error?: unknown): void {
    if (this.open.peek(run.key) !== run) return;
    this.open.delete(run.key);
    this.end(run, error === undefined ? undefined : failedRunEnd(run.recorder, error));
  }

  private end(run: AgentRun, options?: { error?: unknown; countError?: boolean }): void {
    this.ended.add(run.key);
    try {
      run.recorder.end(options);
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
    }
  }

  /** Ends every open run (flush, shutdown). */
  finishAll(): void {
    this.open.finishAll();
  }
}

/**
 * A metrics callback handler on the same run defers to the middleware (the run is counted once).
 * Found by its name, so a handler from another copy of this package defers too.
 */
export function claimFromHandlers(config: unknown): void {
  let manager: unknown;
  let handlers: unknown;
  try {
    manager = (config as Loose)?.callbacks;
    handlers = (manager as Loose)?.handlers;
  } catch {
    manager = get(config, 'callbacks');
    handlers = get(manager, 'handlers');
  }
  if (!Array.isArray(handlers)) return;
  for (const handler of handlers) {
    const deferRun = get(handler, 'deferRun');
    if (get(handler, 'name') === HANDLER_NAME && typeof deferRun === 'function')
      deferRun.call(handler, get(manager, '_parentRunId'));
  }
}
