import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import { type Scope, currentScope } from './langgraph-scope.js';

/**
 * The middleware's one read of LangGraph internals (`__pregel_abort_signals`). This fails when a
 * LangGraph release drops or reshapes it: then `langgraph-scope.ts` needs a new source.
 */
describe('currentScope (LangGraph 1.x internal, checked on 1.7.3)', () => {
  it('names one invoke call across its steps and sub-graphs, and another call apart', async () => {
    const seen: { step: string; scope: Scope | undefined }[] = [];
    const State = Annotation.Root({ n: Annotation<number> });
    const see = (step: string) => () => {
      seen.push({ step, scope: currentScope() });
      return {};
    };
    const inner = new StateGraph(State)
      .addNode('inner', see('inner'))
      .addEdge(START, 'inner')
      .addEdge('inner', END)
      .compile();
    const graph = new StateGraph(State)
      .addNode('first', see('first'))
      .addNode('second', see('second'))
      .addNode('sub', inner)
      .addEdge(START, 'first')
      .addEdge('first', 'second')
      .addEdge('second', 'sub')
      .addEdge('sub', END)
      .compile();
    await Promise.all([graph.invoke({ n: 1 }), graph.invoke({ n: 2 })]);
    expect(seen).toHaveLength(6);
    const keys = new Set(seen.map((s) => s.scope?.key));
    expect(keys.size).toBe(2);
    for (const { scope } of seen) expect(typeof scope?.key).toBe('object');
    expect(seen.filter((s) => s.step === 'inner').map((s) => s.scope?.depth)).toEqual([1, 1]);
    expect(seen.filter((s) => s.step !== 'inner').every((s) => s.scope?.depth === 0)).toBe(true);
    expect(currentScope()).toBeUndefined();
  });
});
