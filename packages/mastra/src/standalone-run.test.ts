import { Agent } from '@mastra/core/agent';
import { noopLogger } from '@mastra/core/logger';
import { createTool } from '@mastra/core/tools';
import { InMemoryExporter } from '@metrics/core/testing';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { instrumentAgent } from './standalone.js';

/**
 * The run's options wrapper: `generate` keeps the caller's own `onFinish`/`onError` (only a
 * stream needs ours), and every callback the caller passed still runs once per event.
 */

type StreamPart =
  Awaited<ReturnType<MockLanguageModelV4['doStream']>>['stream'] extends ReadableStream<infer P> ? P : never;

const usage = {
  inputTokens: { total: 7, noCache: 7, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 2, text: 2, reasoning: 0 },
};

function mockModel(): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    modelId: 'mock',
    doGenerate: async () => ({
      content: [{ type: 'text', text: 'hi' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage,
      warnings: [],
    }),
    doStream: async () => ({
      stream: new ReadableStream({
        start(controller) {
          const chunks: StreamPart[] = [
            { type: 'stream-start', warnings: [] },
            { type: 'text-start', id: 't' },
            { type: 'text-delta', id: 't', delta: 'hi' },
            { type: 'text-end', id: 't' },
            { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
          ];
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }),
    }),
  });
}

function instrumented(records: InMemoryExporter): Agent {
  const agent = new Agent({
    id: 'a',
    name: 'a',
    instructions: 'x',
    model: mockModel() as unknown as Agent['model'],
  });
  agent.__setLogger(noopLogger);
  instrumentAgent(agent, { exporters: [records], logger: false });
  return agent;
}

function callbacks() {
  const seen = { chunks: 0, steps: 0, finished: 0, errors: 0 };
  const options = {
    onChunk: () => void seen.chunks++,
    onStepFinish: () => void seen.steps++,
    onFinish: () => void seen.finished++,
    onError: () => void seen.errors++,
  };
  return { seen, options };
}

describe('StandaloneRun options', () => {
  it("generate: the caller's callbacks run once per event, and the record is the same", async () => {
    const records = new InMemoryExporter();
    const agent = instrumented(records);
    const { seen, options } = callbacks();
    const result = await agent.generate('one', options);
    expect(result.text).toBe('hi');
    expect(seen).toEqual({ chunks: 1, steps: 1, finished: 1, errors: 0 });
    const [record] = await records.waitFor(1);
    expect(record?.modelCalls).toHaveLength(1);
    expect(record?.modelCalls[0]?.streamed).toBe(false);
    expect(record?.summary.usage?.inputTokens).toBe(7);
    expect(record?.summary.usage?.outputTokens).toBe(2);
  });

  it("stream: the caller's callbacks run once per event, and the record is the same", async () => {
    const records = new InMemoryExporter();
    const agent = instrumented(records);
    const { seen, options } = callbacks();
    const output = await agent.stream('one', options);
    expect(await output.text).toBe('hi');
    const [record] = await records.waitFor(1);
    expect(seen).toEqual({ chunks: 1, steps: 1, finished: 1, errors: 0 });
    expect(record?.modelCalls).toHaveLength(1);
    expect(record?.modelCalls[0]?.streamed).toBe(true);
    expect(record?.summary.usage?.inputTokens).toBe(7);
    expect(record?.summary.usage?.outputTokens).toBe(2);
  });
});

describe('StandaloneRun tool types', () => {
  const tool = (id: string) =>
    createTool({ id, description: id, inputSchema: z.object({}), execute: async () => ({ ok: id }) });

  /** Calls every tool it is given a name of in its first step, then answers. */
  function callingModel(names: string[]): MockLanguageModelV4 {
    let calls = 0;
    return new MockLanguageModelV4({
      modelId: 'mock',
      doGenerate: async () => {
        calls++;
        if (calls === 1)
          return {
            content: names.map((name, i) => ({
              type: 'tool-call' as const,
              toolCallId: `c${i}`,
              toolName: name,
              input: '{}',
            })),
            finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
            usage,
            warnings: [],
          };
        return {
          content: [{ type: 'text', text: 'done' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage,
          warnings: [],
        };
      },
    });
  }

  it("a call's toolset overrides the agent's tool of the same name; MCP tools read as mcp", async () => {
    const records = new InMemoryExporter();
    // what Mastra's MCP client sets on the tools it serves
    const remote = Object.assign(tool('lookup'), {
      mcpMetadata: { serverName: 'docs', serverVersion: '1.0.0' },
    });
    const agent = new Agent({
      id: 'a',
      name: 'a',
      instructions: 'x',
      model: callingModel(['local', 'lookup', 'remote']) as unknown as Agent['model'],
      tools: { local: tool('local'), lookup: tool('lookup') },
    });
    agent.__setLogger(noopLogger);
    instrumentAgent(agent, { exporters: [records], logger: false });
    const result = await agent.generate('go', {
      toolsets: { first: { remote: tool('remote') }, last: { lookup: remote } },
    });
    expect(result.text).toBe('done');
    const [record] = await records.waitFor(1);
    expect(record?.toolCalls.map((call) => [call.name, call.type, call.outcome])).toEqual([
      ['local', 'api', 'success'],
      ['lookup', 'mcp', 'success'],
      ['remote', 'api', 'success'],
    ]);
    expect(record?.modelCalls).toHaveLength(2);
    expect(record?.summary.usage?.inputTokens).toBe(14);
  });
});
