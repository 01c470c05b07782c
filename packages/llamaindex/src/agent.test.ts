import { fileURLToPath } from 'node:url';
import { tool } from '@llamaindex/core/tools';
import {
  agent,
  agentStreamEvent,
  agentToolCallEvent,
  agentToolCallResultEvent,
  multiAgent,
  stopAgentEvent,
} from '@llamaindex/workflow';
import { createResourceMetricsExporter } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startCollector, startModelServer } from '@metrics/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { llamaindexMetrics, markMcp, mcpTools } from './index.js';
import { ACCOUNT, add, expectPayload, explode, openai, payload, setup, startMcp } from './test-helpers.js';

let server: ModelServer;
let mcp: Awaited<ReturnType<typeof startMcp>>;

beforeAll(async () => {
  server = await startModelServer();
  mcp = await startMcp();
});
afterAll(async () => {
  await mcp.close();
  await server.close();
});

describe('agent() workflow', () => {
  it('a tool loop with an api tool and an MCP tool, streamed, with usage', async () => {
    const { exporter, metrics } = setup();
    const lookup = await mcpTools(mcp.client);
    const myAgent = metrics.instrument(agent({ llm: openai(server.openaiBaseUrl), tools: [add, ...lookup] }));
    server.script('loop', [
      {
        toolCalls: [
          { name: 'add', arguments: { a: 2, b: 3 }, id: 'c1' },
          { name: 'lookup', arguments: { word: 'llama' }, id: 'c2' },
        ],
        usage: { input: 120, output: 30, cached: 64, reasoning: 7 },
      },
      { text: 'Five, and a llama is a word.', usage: { input: 200, output: 25, cached: 100 } },
    ]);
    const result = await myAgent.run('script:loop add and look up');
    expect(result.data.result).toBe('Five, and a llama is a word.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 320,
      output: 55,
      calls: 2,
      streamed: true,
      tools: [
        { toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ],
    });
    expect(record?.summary.usage?.cacheReadTokens).toBe(164);
    expect(record?.summary.usage?.reasoningTokens).toBe(7);
    expect(record?.name).toBe('Agent');
    expect(record?.modelCalls.map((c) => c.model)).toEqual(['gpt-4o-mini', 'gpt-4o-mini']);
  });

  it('a tool that throws is a failed tool call; the run goes on', async () => {
    const { exporter, metrics } = setup();
    const myAgent = metrics.instrument(agent({ llm: openai(server.openaiBaseUrl), tools: [add, explode] }));
    server.script('boom', [
      { toolCalls: [{ name: 'explode', arguments: {}, id: 'x1' }], usage: { input: 50, output: 5 } },
      { text: 'It failed.', usage: { input: 70, output: 4 } },
    ]);
    const result = await myAgent.run('script:boom explode');
    expect(result.data.result).toBe('It failed.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 120,
      output: 9,
      calls: 2,
      streamed: true,
      tools: [{ toolType: 'api', toolCalls: 1, successCount: 0, failureCount: 1 }],
    });
    expect(record?.toolCalls[0]?.error?.message).toContain('tool exploded');
  });
});

describe('@llamaindex/tools mcp() over stdio', () => {
  it('its tools, marked with markMcp(), count as mcp tool calls', async () => {
    const { mcp } = await import('@llamaindex/tools');
    const client = mcp({
      command: process.execPath,
      args: [fileURLToPath(new URL('../test-fixtures/mcp-stdio-server.mjs', import.meta.url))],
    });
    try {
      const { exporter, metrics } = setup();
      const lookup = markMcp(await client.tools());
      const myAgent = metrics.instrument(
        agent({ llm: openai(server.openaiBaseUrl), tools: [add, ...lookup] }),
      );
      server.script('stdio', [
        {
          toolCalls: [
            { name: 'lookup', arguments: { word: 'alpaca' }, id: 'm1' },
            { name: 'add', arguments: { a: 1, b: 2 }, id: 'm2' },
          ],
          usage: { input: 44, output: 9 },
        },
        { text: 'An alpaca is a word; 3.', usage: { input: 66, output: 7 } },
      ]);
      const result = await myAgent.run('script:stdio look up alpaca');
      expect(result.data.result).toBe('An alpaca is a word; 3.');
      const [record] = await exporter.waitFor(1);
      expectPayload(payload(record), {
        input: 110,
        output: 16,
        calls: 2,
        streamed: true,
        tools: [
          { toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 },
          { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
        ],
      });
      const toolResult = server.requests.filter((r) => r.scriptKey === 'stdio').at(-1)?.body;
      expect(JSON.stringify(toolResult)).toContain('alpaca: a word');
    } finally {
      await client.cleanup();
    }
  }, 20_000); // it spawns an MCP server process over stdio: seconds on a loaded machine
});

describe('runStream()', () => {
  it('the record ends when the event stream ends; events pass through untouched', async () => {
    const { exporter, metrics } = setup();
    const myAgent = metrics.instrument(agent({ llm: openai(server.openaiBaseUrl), tools: [add] }));
    server.script('rs', [
      { toolCalls: [{ name: 'add', arguments: { a: 2, b: 2 }, id: 's1' }], usage: { input: 15, output: 2 } },
      { text: 'Four.', usage: { input: 25, output: 2 } },
    ]);
    const seen: string[] = [];
    for await (const event of myAgent.runStream('script:rs go')) {
      if (agentToolCallEvent.include(event)) seen.push(`call ${event.data.toolName}`);
      if (agentToolCallResultEvent.include(event)) seen.push(`result ${event.data.toolOutput.result}`);
      if (stopAgentEvent.include(event)) seen.push(`stop ${event.data.result}`);
    }
    expect(seen).toEqual(['call add', 'result 4', 'stop Four.']);
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 40,
      output: 4,
      calls: 2,
      streamed: true,
      tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
    });
  });

  it('a consumer that stops early ends the record (successfully) at that point', async () => {
    const { exporter, metrics } = setup();
    const myAgent = metrics.instrument(agent({ llm: openai(server.openaiBaseUrl), tools: [add] }));
    server.script('early', [{ text: 'a long answer', usage: { input: 8, output: 3 }, chunkDelayMs: 5 }]);
    for await (const event of myAgent.runStream('script:early go')) {
      if (agentStreamEvent.include(event) && event.data.delta) break;
    }
    const [record] = await exporter.waitFor(1);
    expect(record?.outcome).toBe('success');
    expect(record?.summary.modelCalls).toBe(1);
  });
});

describe('tool types', () => {
  it('markMcp() and the toolTypes option make a tool count as mcp', async () => {
    const exporter = new InMemoryExporter();
    const metrics = llamaindexMetrics({ exporters: [exporter], logger: false, toolTypes: { add: 'mcp' } });
    const echo = tool({
      name: 'echo',
      description: 'echo',
      parameters: z.object({ s: z.string() }),
      execute: ({ s }) => s,
    });
    markMcp([echo]);
    const myAgent = metrics.instrument(
      agent({ llm: openai(server.openaiBaseUrl), tools: [add, echo, explode] }),
    );
    server.script('types', [
      {
        toolCalls: [
          { name: 'add', arguments: { a: 1, b: 1 }, id: 't1' },
          { name: 'echo', arguments: { s: 'x' }, id: 't2' },
          { name: 'explode', arguments: {}, id: 't3' },
        ],
        usage: { input: 5, output: 1 },
      },
      { text: 'ok', usage: { input: 6, output: 1 } },
    ]);
    await myAgent.run('script:types go');
    const [record] = await exporter.waitFor(1);
    expect(payload(record).tools).toEqual([
      { toolType: 'api', toolCalls: 1, successCount: 0, failureCount: 1 },
      { toolType: 'mcp', toolCalls: 2, successCount: 2, failureCount: 0 },
    ]);
  });
});

describe('multi-agent workflows', () => {
  it('a handoff is a member run rolled into the one record; handOff is not a tool call', async () => {
    const { exporter, metrics } = setup();
    const llm = openai(server.openaiBaseUrl);
    const helper = agent({ name: 'helper', description: 'Does math', llm, tools: [add] });
    const root = agent({
      name: 'root',
      description: 'Routes requests',
      llm,
      tools: [],
      canHandoffTo: [helper],
    });
    const team = metrics.instrument(multiAgent({ agents: [root, helper], rootAgent: root }));
    server.script('handoff', [
      {
        toolCalls: [{ name: 'handOff', arguments: { toAgent: 'helper', reason: 'math' }, id: 'h1' }],
        usage: { input: 50, output: 8 },
      },
      { toolCalls: [{ name: 'add', arguments: { a: 1, b: 2 }, id: 'a1' }], usage: { input: 60, output: 9 } },
      { text: 'Three.', usage: { input: 70, output: 3 } },
    ]);
    const result = await team.run('script:handoff what is 1 + 2?');
    expect(result.data.result).toBe('Three.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 180,
      output: 20,
      calls: 3,
      streamed: true,
      tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
    });
    expect(exporter.records).toHaveLength(1);
    expect(record?.name).toBe('root');
    expect(record?.modelCalls).toHaveLength(1);
    expect(
      record?.members.map((m) => [m.name, m.memberKind, m.modelCalls.length, m.toolCalls.length]),
    ).toEqual([['helper', 'handoff', 2, 1]]);
  });

  it('an agent called from inside another agent’s tool is a sub-agent member run', async () => {
    const { exporter, metrics } = setup();
    const llm = openai(server.openaiBaseUrl);
    const inner = metrics.instrument(agent({ name: 'inner', llm, tools: [add] }));
    const ask = tool({
      name: 'ask_inner',
      description: 'Asks the inner agent',
      parameters: z.object({ q: z.string() }),
      execute: async ({ q }) => (await inner.run(`script:sub-inner ${q}`)).data.result as string,
    });
    const outer = metrics.instrument(agent({ name: 'outer', llm, tools: [ask] }));
    server.script('sub-outer', [
      {
        toolCalls: [{ name: 'ask_inner', arguments: { q: 'sum' }, id: 'o1' }],
        usage: { input: 11, output: 1 },
      },
      { text: 'Done.', usage: { input: 13, output: 2 } },
    ]);
    server.script('sub-inner', [
      { toolCalls: [{ name: 'add', arguments: { a: 4, b: 4 }, id: 'i1' }], usage: { input: 17, output: 3 } },
      { text: 'Eight.', usage: { input: 19, output: 4 } },
    ]);
    await outer.run('script:sub-outer go');
    const [record] = await exporter.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(exporter.records).toHaveLength(1);
    expectPayload(payload(record), {
      input: 60,
      output: 10,
      calls: 4,
      streamed: true,
      tools: [{ toolType: 'api', toolCalls: 2, successCount: 2, failureCount: 0 }],
    });
    expect(record?.members.map((m) => [m.name, m.memberKind, m.modelCalls.length])).toEqual([
      ['inner', 'subagent', 2],
    ]);
  });
});

describe('concurrency', () => {
  it('20 concurrent runs, each scripted with different numbers, never mix', async () => {
    const { exporter, metrics } = setup();
    const myAgent = metrics.instrument(agent({ llm: openai(server.openaiBaseUrl), tools: [add, explode] }));
    const runs = Array.from({ length: 20 }, (_, i) => i);
    for (const i of runs) {
      const toolCalls = Array.from({ length: (i % 3) + 1 }, (_, n) =>
        n === 2 && i % 2 === 0
          ? { name: 'explode', arguments: {}, id: `e${i}-${n}` }
          : { name: 'add', arguments: { a: i, b: n }, id: `a${i}-${n}` },
      );
      server.script(`c${i}`, [
        { toolCalls, usage: { input: 100 + i, output: 10 + i, cached: i }, chunkDelayMs: i % 4 },
        { text: `answer ${i}`, usage: { input: 1000 + i, output: 20 + i }, firstChunkDelayMs: (i * 3) % 7 },
      ]);
    }
    const results = await Promise.all(
      runs.map((i) => metrics.run(() => myAgent.run(`script:c${i} go`), { metadata: { run: String(i) } })),
    );
    expect(results.map((r) => r.data.result)).toEqual(runs.map((i) => `answer ${i}`));
    const records = await exporter.waitFor(20);
    expect(records).toHaveLength(20);
    for (const record of records) {
      const i = Number(record.metadata?.run);
      const calls = (i % 3) + 1;
      const failures = calls === 3 && i % 2 === 0 ? 1 : 0;
      expectPayload(payload(record), {
        input: 1100 + 2 * i,
        output: 30 + 2 * i,
        calls: 2,
        streamed: true,
        tools: [
          { toolType: 'api', toolCalls: calls, successCount: calls - failures, failureCount: failures },
        ],
      });
      expect(record.summary.usage?.cacheReadTokens).toBe(i);
    }
  });
});

describe('concurrency without metrics.run', () => {
  it('20 concurrent run() calls of one instrumented agent: each record has its own numbers', async () => {
    const { exporter, metrics } = setup();
    const myAgent = metrics.instrument(agent({ llm: openai(server.openaiBaseUrl), tools: [add] }));
    const runs = Array.from({ length: 20 }, (_, i) => i);
    for (const i of runs) {
      server.script(`d${i}`, [
        {
          toolCalls: Array.from({ length: (i % 4) + 1 }, (_, n) => ({
            name: 'add',
            arguments: { a: n, b: i },
            id: `d${i}-${n}`,
          })),
          usage: { input: 300 + i, output: 1 + i },
          chunkDelayMs: (i * 7) % 5,
        },
        { text: `d ${i}`, usage: { input: 400 + i, output: 2 }, firstChunkDelayMs: i % 3 },
      ]);
    }
    await Promise.all(runs.map((i) => myAgent.run(`script:d${i} go`)));
    const records = await exporter.waitFor(20);
    const byRun = new Map(
      records.map((record) => [(payload(record).inputTokenCount as number) - 700, record]),
    );
    expect([...byRun.keys()].sort((a, b) => a - b)).toEqual(runs.map((i) => 2 * i));
    for (const i of runs) {
      const calls = (i % 4) + 1;
      expectPayload(payload(byRun.get(2 * i)), {
        input: 700 + 2 * i,
        output: 3 + i,
        calls: 2,
        streamed: true,
        tools: [{ toolType: 'api', toolCalls: calls, successCount: calls, failureCount: 0 }],
      });
    }
  });
});

describe('delivery', () => {
  it('the record reaches the reference collector through the HTTP exporter', async () => {
    const collector = await startCollector({ token: 'secret' });
    try {
      const memory = new InMemoryExporter();
      const http = createResourceMetricsExporter({
        endpoint: collector.endpoint,
        accountId: ACCOUNT,
        token: 'secret',
      });
      const metrics = llamaindexMetrics({ exporters: [http, memory], logger: false });
      const myAgent = metrics.instrument(agent({ llm: openai(server.openaiBaseUrl), tools: [add] }));
      server.script('http', [
        {
          toolCalls: [{ name: 'add', arguments: { a: 1, b: 1 }, id: 'q1' }],
          usage: { input: 21, output: 2 },
        },
        { text: 'Two.', usage: { input: 34, output: 1, reasoning: 1 } },
      ]);
      await myAgent.run('script:http go');
      await memory.waitFor(1);
      await metrics.shutdown();
      expect(collector.records).toHaveLength(1);
      expect(collector.records[0]).toEqual(payload(memory.records[0]));
      expect(collector.records[0]).toMatchObject({
        inputTokenCount: 55,
        outputTokenCount: 3,
        modelInvocationCount: 2,
      });
    } finally {
      await collector.close();
    }
  });
});
