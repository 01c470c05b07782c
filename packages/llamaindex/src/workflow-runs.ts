import { getContext } from '@llamaindex/workflow';
import type { RunState } from './run-state.js';

/**
 * The key of the agent workflow run the current code belongs to, for runs seen only through the
 * callback manager (nothing wrapped). `@llamaindex/workflow` 1.1.x (workflow-core 1.3) runs every
 * step handler with `getContext()` returning a per-handler object created with
 * `Object.create(rootContext)`: the root context is one object per workflow run. The one place that
 * relies on that shape (tested in callback-manager.test.ts); `undefined` outside a workflow.
 */
export function workflowRunKey(): object | undefined {
  const context = workflowContext();
  return context === undefined ? undefined : runKeyOf(context);
}

/** The current step handler's context (`getContext()`), `undefined` outside a workflow. */
export function workflowContext(): object | undefined {
  if (typeof getContext !== 'function') return undefined;
  let context: unknown;
  try {
    context = getContext();
  } catch {
    return undefined; // "No current context found": not inside a workflow step
  }
  return typeof context === 'object' && context !== null ? context : undefined;
}

/** The workflow run a step handler's context belongs to: its root context. */
export function runKeyOf(context: object): object {
  const root: unknown = Object.getPrototypeOf(context);
  return typeof root === 'object' && root !== null && root !== Object.prototype ? root : context;
}

/** Where runs seen only through a callback manager are found (one source per installed manager). */
export interface WorkflowRunSource {
  /** The run of the current workflow run (opened when `open` and none exists). */
  workflowRun(open: boolean): RunState | undefined;
  /** The workflow run that `key` names ended. */
  workflowRunEnded(key: object): void;
}

const sources = new Set<WorkflowRunSource>();

export function addWorkflowRunSource(source: WorkflowRunSource): () => void {
  sources.add(source);
  return () => sources.delete(source);
}

export function workflowRunOf(open: boolean): RunState | undefined {
  for (const source of sources) {
    const state = source.workflowRun(open);
    if (state) return state;
  }
  return undefined;
}

export function endWorkflowRun(): void {
  if (sources.size === 0) return;
  const key = workflowRunKey();
  if (key !== undefined) for (const source of sources) source.workflowRunEnded(key);
}
