import { CallbackManager } from '@llamaindex/core/global';
import { Diagnostics, InvocationRecorder } from '@metrics/core';
import { keepShapes } from '@metrics/core/adapter';
import { RunCallbackManager } from './callback-manager.js';
import {
  ObservedIterator,
  ObservedIteratorWithThrow,
  PendingScope,
  StreamObserver,
  asyncGeneratorNext,
} from './llm-wrapper.js';
import { RunState } from './run-state.js';

/**
 * Keeps one finished run of the adapter's own objects alive (`keepShapes`), so that V8's optimized
 * code for them survives major collections. Without it every major collection found no live
 * `RunCallbackManager`, `PendingScope`, stream observer or open model call, freed their maps and
 * discarded the functions optimized against them (`wrapStream`, the callback manager's
 * constructor and `dispatchEvent`, `observeCall`, ...): they ran in the baseline tier until hot
 * again (on the agent() bench, `instrument(agent)` cost 88 k instructions per model call with it
 * lost, 72 k kept). Called where the adapter is constructed; builds once per process.
 */
export function keepAdapterShapes(): void {
  keepShapes(templateRun);
}

/**
 * A finished run of `instrument(agent)` with a tool turn and a streamed answer, built through the
 * adapter's own constructors and event handlers, with the value kinds of a real run. It records
 * nothing anyone sees: its recorder has no exporter and its diagnostics no listener.
 */
function templateRun(): unknown[] {
  const diagnostics = new Diagnostics({ logger: false });
  const state = new RunState(
    new InvocationRecorder({ providerType: 'LLAMAINDEX', model: 'model' }),
    diagnostics,
  );
  // what the open-runs registry sets on a run
  state.onEnd = () => undefined;
  state.seen = () => undefined;
  state.setDeadline(undefined, undefined);
  state.addAgents([{ name: 'agent', llm: undefined, tools: [] }], 'agent');
  const manager = new RunCallbackManager(state.ref, new CallbackManager());
  state.agentInput('agent');
  const toolTurn = templateModelCall(state, manager, [
    { delta: '', raw: {}, options: { toolCall: [{ id: 'call', name: 'tool', input: {} }] } },
    { delta: '', raw: { model: 'model', usage: USAGE } },
  ]);
  state.workflowToolCall({ agentName: 'agent', toolName: 'tool', toolId: 'call', toolKwargs: {} });
  state.workflowToolResult({ agentName: 'agent', toolName: 'tool', toolId: 'call', toolOutput: {} });
  const answer = templateModelCall(state, manager, [
    { delta: 'answer', raw: {} },
    { delta: '', raw: { model: 'model', usage: USAGE } },
  ]);
  state.finish();
  return [state, manager, toolTurn, answer];
}

const USAGE = { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 };

/** One streamed model call as the LLM wrapper and the events see it: its objects, kept. */
function templateModelCall(state: RunState, manager: RunCallbackManager, chunks: object[]): unknown[] {
  state.models.pendingModel = 'model';
  state.models.pendingStream = true;
  const scope = new PendingScope();
  const id = 'template';
  manager.dispatchEvent('llm-start', { id, messages: [] });
  state.models.pendingModel = state.models.pendingStream = undefined;
  const entry = state.models.lastStarted;
  if (entry === undefined) return [scope];
  const stream = (async function* template() {})();
  const observer = new StreamObserver(state, entry, true);
  const next = asyncGeneratorNext(stream);
  const iterators = [
    new ObservedIteratorWithThrow(observer, stream, next),
    new ObservedIterator(observer, stream, undefined),
  ];
  for (const chunk of chunks) {
    manager.dispatchEvent('llm-stream', { id, chunk });
    observer.onResult({ done: false, value: chunk });
  }
  manager.dispatchEvent('llm-end', {
    id,
    response: { message: { content: '', role: 'assistant' }, raw: chunks },
  });
  observer.onResult({ done: true, value: undefined });
  return [scope, entry, observer, iterators, stream.return(undefined)];
}
