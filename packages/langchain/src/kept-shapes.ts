import { keepShapes } from '@metrics/core/adapter';
import type { MetricsCallbackHandler } from './handler.js';

/**
 * Keeps one finished `createAgent` run of the handler's own objects alive (the core's
 * `keepShapes`; it explains why), so that V8's optimized code for them survives major collections.
 *
 * Why: without it every major collection found no live run node (the invocation, its chain, model
 * and tool runs, its entry in the core's open runs), freed their maps and discarded the functions
 * optimized against them; under callgrind, `handleChainStart`, `handleChainEnd`, `startChildChain`,
 * `endChain` and `ModelRuns.end` then ran in the baseline tier for the whole measured window.
 *
 * The template is a private handler driven through the callbacks LangChain makes for a
 * `createAgent` run with a tool turn and a streamed answer; each run node is kept as it was while
 * open. It records nothing anyone sees: its `Metrics` has no exporter and no logger.
 */
export function keepLangChainShapes(create: () => MetricsCallbackHandler): void {
  templateHandler ??= create;
  keepShapes(templateRun);
}

let templateHandler: (() => MetricsCallbackHandler) | undefined;

const GRAPH = { lc: 1, type: 'not_implemented', id: ['langgraph', 'pregel', 'CompiledStateGraph'] };
const NODE = { lc: 1, type: 'not_implemented', id: ['langchain_core', 'runnables', 'RunnableCallable'] };
const MODEL = { lc: 1, type: 'not_implemented', id: ['langchain', 'chat_models', 'openai', 'ChatOpenAI'] };
const TOOL = { lc: 1, type: 'not_implemented', id: ['langchain', 'tools', 'DynamicStructuredTool'] };
const AGENT_METADATA = { ls_integration: 'langchain_create_agent' };
const MODEL_METADATA = { ls_provider: 'openai', ls_model_name: 'model', langgraph_node: 'model_request' };

function templateRun(): unknown[] {
  const handler = templateHandler?.();
  return handler === undefined ? [] : runTemplate(handler);
}

/** @internal The template run on `handler`; returns what it keeps (exported for its test). */
export function runTemplate(handler: MetricsCallbackHandler): unknown[] {
  const kept: unknown[] = [handler];
  const ids = Array.from({ length: 8 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const [root = '', firstNode = '', firstModel = '', tools = '', tool = '', lastNode = '', lastModel = ''] =
    ids;
  const node = (id: string) => kept.push(handler.tree.node(id));

  handler.handleChainStart(GRAPH, {}, root, undefined, [], AGENT_METADATA, undefined, 'agent');
  node(root);
  // a model turn that asks for a tool (its usage with the cache and reasoning details providers report)
  startNode(handler, firstNode, root, 'model_request');
  node(firstNode);
  startModel(handler, firstModel, firstNode);
  node(firstModel);
  handler.handleLLMEnd(
    output(withDetails(10, 5), [{ name: 'tool', args: {}, id: 'call', type: 'tool_call' }]),
    firstModel,
  );
  handler.handleChainEnd({ messages: [] }, firstNode);
  // the tool turn
  startNode(handler, tools, root, 'tools');
  node(tools);
  handler.handleToolStart(TOOL, '{}', tool, tools, [], {}, 'tool', 'call');
  node(tool);
  const toolMessage = { type: 'tool', tool_call_id: 'call', name: 'tool', status: 'success', content: 'ok' };
  handler.handleToolEnd(toolMessage, tool);
  handler.handleChainEnd({ messages: [toolMessage] }, tools);
  // a streamed answer
  startNode(handler, lastNode, root, 'model_request');
  startModel(handler, lastModel, lastNode);
  handler.handleLLMNewToken('answer', { prompt: 0, completion: 0 }, lastModel);
  node(lastModel);
  handler.handleLLMEnd(output({ input_tokens: 20, output_tokens: 3, total_tokens: 23 }, []), lastModel);
  handler.handleChainEnd({ messages: [] }, lastNode);
  handler.handleChainEnd({ messages: [] }, root);
  return kept;
}

function startNode(handler: MetricsCallbackHandler, id: string, parent: string, name: string): void {
  handler.handleChainStart(NODE, {}, id, parent, [], { langgraph_node: name }, undefined, name);
}

function startModel(handler: MetricsCallbackHandler, id: string, parent: string): void {
  handler.handleChatModelStart(
    MODEL,
    [],
    id,
    parent,
    { invocation_params: { model: 'model' } },
    [],
    MODEL_METADATA,
    'ChatOpenAI',
  );
}

function withDetails(input: number, output: number) {
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: input + output,
    input_token_details: { cache_read: 0 },
    output_token_details: { reasoning: 0 },
  };
}

function output(usage: object, toolCalls: object[]) {
  const message = {
    content: '',
    tool_calls: toolCalls,
    usage_metadata: usage,
    response_metadata: { model_name: 'model' },
  };
  return { generations: [[{ text: '', message }]] };
}
