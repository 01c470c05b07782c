import type { RunOptions } from './options.js';
import type { AgentLike, RunState } from './run-state.js';
import { currentRun } from './current-run.js';
import { type Undo, replaceMethod, restoreMethod } from './instrumentations.js';
import { observeEnd } from './stream-end.js';

export interface WorkflowLike {
  runStream: (...args: unknown[]) => unknown;
  run?: (...args: unknown[]) => unknown;
  getAgents: () => AgentLike[];
}

/** What the instrumented `run()` / `runStream()` ask of the adapter. */
export interface WorkflowHooks {
  /** Starts the record of a workflow run, or joins the `run(fn)` it is called in (then `undefined`). */
  begin(workflow: WorkflowLike, options: RunOptions): RunState | undefined;
  /** Runs `fn` with `state` current. */
  enter<R>(state: RunState, fn: () => R): R;
}

const INSTRUMENTED = Symbol.for('@metrics/llamaindex.workflow');

export function isWorkflow(value: unknown): value is WorkflowLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WorkflowLike).runStream === 'function' &&
    typeof (value as WorkflowLike).getAgents === 'function'
  );
}

/**
 * Replaces the workflow's `runStream` (and `run`) so each call is one record; returns how to put
 * them back (`undefined` when it was already instrumented).
 */
export function instrumentWorkflow(
  workflow: WorkflowLike,
  options: RunOptions,
  hooks: WorkflowHooks,
): Undo | undefined {
  const marked = workflow as WorkflowLike & { [INSTRUMENTED]?: true };
  if (marked[INSTRUMENTED]) return undefined;
  Object.defineProperty(marked, INSTRUMENTED, { value: true, configurable: true });
  replaceMethod(workflow, 'runStream', runStreamOf(workflow.runStream, options, hooks));
  if (typeof workflow.run === 'function') replaceMethod(workflow, 'run', runOf(workflow.run, options, hooks));
  return uninstrumentWorkflow;
}

function uninstrumentWorkflow(workflow: object): void {
  restoreMethod(workflow, 'run');
  restoreMethod(workflow, 'runStream');
  delete (workflow as { [INSTRUMENTED]?: true })[INSTRUMENTED];
}

function runStreamOf(original: WorkflowLike['runStream'], options: RunOptions, hooks: WorkflowHooks) {
  return function runStream(this: WorkflowLike, ...args: unknown[]): unknown {
    const current = currentRun();
    if (current && current.callingRunStream === this) {
      // called by the instrumented run() below, which already owns the record
      current.callingRunStream = undefined;
      return original.apply(this, args);
    }
    const state = hooks.begin(this, options);
    if (!state) return original.apply(this, args);
    let stream: unknown;
    try {
      stream = hooks.enter(state, () => original.apply(this, args));
    } catch (error) {
      state.finish(error);
      throw error;
    }
    return observeEnd(stream, state);
  };
}

/** run() ends with its promise: no extra stream stage on the most common path. */
function runOf(original: NonNullable<WorkflowLike['run']>, options: RunOptions, hooks: WorkflowHooks) {
  return function run(this: WorkflowLike, ...args: unknown[]): unknown {
    const state = hooks.begin(this, options);
    if (!state) return original.apply(this, args);
    state.callingRunStream = this;
    let result: unknown;
    try {
      result = hooks.enter(state, () => original.apply(this, args));
    } catch (error) {
      state.finish(error);
      throw error;
    } finally {
      state.callingRunStream = undefined;
    }
    return Promise.resolve(result).then(
      (value) => {
        state.finish();
        return value;
      },
      (error: unknown) => {
        state.finish(error);
        throw error;
      },
    );
  };
}
