import type { DiagnosticEvent } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { describe, expect, it } from 'vitest';
import { MetricsCallbackHandler } from './handler.js';

// The handler's callbacks driven by hand: LangChain's objects are read with plain accesses and read
// again field by field when a getter throws; child runs of an evicted invocation stay dropped.
const GRAPH = { id: ['langgraph', 'pregel', 'CompiledStateGraph'] };
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function setup(extra: { maxOpenRuns?: number } = {}) {
  const exporter = new InMemoryExporter();
  const events: DiagnosticEvent[] = [];
  const handler = new MetricsCallbackHandler({
    exporters: [exporter],
    logger: false,
    diagnostics: (event) => events.push(event),
    ...extra,
  });
  return { exporter, events, handler };
}

const throwing = (target: object, key: string) =>
  Object.defineProperty(target, key, {
    get() {
      throw new Error(`hostile ${key}`);
    },
  });

describe('hostile LangChain objects', () => {
  it("a model output whose getter throws still gives the call's usage and model", () => {
    const { exporter, events, handler } = setup();
    const message = throwing(
      {
        usage_metadata: { input_tokens: 7, output_tokens: 2, total_tokens: 9 },
        response_metadata: { model_name: 'hostile-model' },
      },
      'tool_call_chunks',
    );
    handler.handleChatModelStart({}, [], id(1), undefined, { invocation_params: { model: 'asked' } });
    handler.handleLLMEnd({ generations: [[{ text: '', message }]] }, id(1));
    expect(exporter.records).toHaveLength(1);
    const call = exporter.records[0]?.modelCalls[0];
    expect([call?.model, call?.usage?.inputTokens, call?.usage?.outputTokens]).toEqual([
      'hostile-model',
      7,
      2,
    ]);
    expect(events.filter((e) => e.level === 'error')).toEqual([]);
  });

  it("a model start whose getters throw still gives the call's model, provider and Anthropic fix", () => {
    const { exporter, events, handler } = setup();
    const llm = throwing({}, 'id');
    const extraParams = throwing({}, 'invocation_params') as Record<string, unknown>;
    const metadata = {
      ls_model_name: 'claude-from-metadata',
      ls_provider: 'anthropic',
      versions: { '@langchain/anthropic': '1.5.0' },
    };
    handler.handleChatModelStart(llm, [], id(1), undefined, extraParams, undefined, metadata);
    handler.handleLLMNewToken('Hi', { prompt: 0, completion: 0 }, id(1));
    const message = { usage_metadata: { input_tokens: 5, output_tokens: 4, total_tokens: 9 } };
    handler.handleLLMEnd({ generations: [[{ text: 'Hi', message }]] }, id(1));
    const call = exporter.records[0]?.modelCalls[0];
    // streamed on an affected @langchain/anthropic: its placeholder output token is taken off
    expect([call?.model, call?.provider, call?.usage?.outputTokens, call?.usage?.totalTokens]).toEqual([
      'claude-from-metadata',
      'anthropic',
      3,
      8,
    ]);
    expect(events.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('a node output whose getter throws still gives its error ToolMessage, counted once', () => {
    const { exporter, handler } = setup();
    handler.handleChainStart(GRAPH, {}, id(1));
    handler.handleChainStart({}, {}, id(2), id(1), [], { langgraph_node: 'tools' }, undefined, 'tools');
    const failed = { type: 'tool', tool_call_id: 'call-1', name: 'lookup', status: 'error', content: 'no' };
    handler.handleChainEnd(throwing({ messages: [failed] }, 'update'), id(2));
    handler.handleChainEnd({}, id(1));
    expect(exporter.records).toHaveLength(1);
    expect(exporter.records[0]?.toolCalls.map((c) => [c.name, c.outcome])).toEqual([['lookup', 'failure']]);
  });
});

describe('eviction', () => {
  it("an evicted invocation's child runs stay dropped: their late events start no record", () => {
    const { exporter, events, handler } = setup({ maxOpenRuns: 1 });
    handler.handleChainStart(GRAPH, {}, id(1));
    handler.handleChainStart({}, {}, id(2), id(1), [], { langgraph_node: 'agent' }, undefined, 'agent');
    handler.handleChainStart(GRAPH, {}, id(3)); // past the bound: the first invocation is evicted
    expect(exporter.records).toHaveLength(1);
    handler.handleChatModelStart({}, [], id(4), id(2));
    handler.handleChainEnd({}, id(2));
    handler.handleChainEnd({}, id(3));
    expect(exporter.records).toHaveLength(2);
    expect(exporter.records.map((r) => r.modelCalls.length)).toEqual([0, 0]);
    expect(events.filter((e) => e.type === 'runs.late-event')).toHaveLength(2);
    expect(handler.tree.openInvocations).toBe(0);
  });
});
