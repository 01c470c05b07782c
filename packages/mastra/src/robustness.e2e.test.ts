import { createOpenAI } from '@ai-sdk/openai';
import { Agent } from '@mastra/core/agent';
import { noopLogger } from '@mastra/core/logger';
import { Mastra } from '@mastra/core/mastra';
import { createTool } from '@mastra/core/tools';
import { createStep, createWorkflow } from '@mastra/core/workflows';
import { Observability } from '@mastra/observability';
import type { MCPClient } from '@mastra/mcp';
import {
  type DiagnosticEvent,
  type InvocationExporter,
  Metrics,
  createResourceMetricsExporter,
} from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { startCollector, startModelServer } from '@metrics/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MastraMetricsExporter } from './mastra-exporter.js';
import { withMetrics } from './standalone.js';
import {
  type Mode,
  type ModelServer,
  NO_ERRORS,
  add,
  createMastraSetup,
  createStandaloneSetup,
  payload,
  run,
  startMcp,
} from './test-helpers.js';

let server: ModelServer;
let mcp: MCPClient;
let mcpTools: Record<string, unknown>;

beforeAll(async () => {
  server = await startModelServer();
  mcp = startMcp('robustness');
  mcpTools = await mcp.listTools();
});

afterAll(async () => {
  await mcp?.disconnect();
  await server?.close();
});

beforeEach(() => server.reset());

const ACCOUNT = '5f0c7a8e-1b2c-4d3e-8f9a-0b1c2d3e4f50';

const paths = [
  ['exporter', createMastraSetup],
  ['standalone', createStandaloneSetup],
] as const;

describe.each(paths)('%s: failures inside the instrumentation never reach the agent', (_title, setup) => {
  it.each(['generate', 'stream'] as Mode[])(
    'a throwing exporter (%s): same answer, a diagnostic',
    async (mode) => {
      const events: DiagnosticEvent[] = [];
      const throwing: InvocationExporter = {
        name: 'throwing',
        export() {
          throw new Error('exporter exploded');
        },
      };
      const metrics = new Metrics({
        exporters: [throwing],
        logger: false,
        diagnostics: (e) => events.push(e),
      });
      const { agents } = setup(server, mcpTools, metrics);
      server.script([{ text: 'still fine', usage: { input: 3, output: 2 } }]);
      const outcome = await run(agents.main, mode, 'hi');
      expect(outcome).toEqual({ text: 'still fine', tripwire: undefined });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(events.some((e) => e.type === 'adapter.error' && e.source === 'throwing')).toBe(true);
    },
  );

  it('a fault in the adapter itself: the answer and the error the caller gets are untouched', async () => {
    const events: DiagnosticEvent[] = [];
    const metrics = new Metrics({ logger: false, diagnostics: (e) => events.push(e) });
    metrics.startInvocation = () => {
      throw new Error('recorder unavailable');
    };
    const { agents } = setup(server, mcpTools, metrics);
    server.script([{ text: 'unharmed', usage: { input: 3, output: 2 } }]);
    expect((await run(agents.main, 'generate', 'hi')).text).toBe('unharmed');
    server.script([{ error: { status: 500, message: 'really broken' } }]);
    const failed = await run(agents.main, 'generate', 'hi');
    expect(failed.error).toMatchObject({ statusCode: 500, message: 'really broken' });
    expect(
      events.filter((e) => e.type === 'adapter.error' && e.source === '@metrics/mastra').length,
    ).toBeGreaterThan(0);
  });
});

it('the same run gives the same record through the exporter and through the standalone wrapper', async () => {
  const script = () =>
    server.script([
      {
        toolCalls: [
          { name: 'add', arguments: { a: 2, b: 3 } },
          { name: 'weather_forecast', arguments: { city: 'Bergen' } },
        ],
        usage: { input: 80, output: 12, cached: 16, reasoning: 4 },
      },
      { text: 'Done', usage: { input: 120, output: 9 } },
    ]);
  const viaExporter = new InMemoryExporter();
  const viaWrapper = new InMemoryExporter();
  const exporterSetup = createMastraSetup(
    server,
    mcpTools,
    new Metrics({ exporters: [viaExporter], logger: false }),
  );
  const wrapperSetup = createStandaloneSetup(
    server,
    mcpTools,
    new Metrics({ exporters: [viaWrapper], logger: false }),
  );
  for (const mode of ['generate', 'stream'] as Mode[]) {
    script();
    await run(exporterSetup.agents.main, mode, 'go');
    script();
    await run(wrapperSetup.agents.main, mode, 'go');
  }
  const a = await viaExporter.waitFor(2);
  const b = await viaWrapper.waitFor(2);
  const stable = (record: (typeof a)[number]) => {
    const { sessionId, time, totalTime, ttft, modelLatency, ...rest } = payload(record);
    return {
      ...rest,
      streamed: record.modelCalls.map((c) => c.streamed),
      usage: record.summary.usage,
      ttft: (ttft ?? 0) > 0,
    };
  };
  expect(a.map(stable)).toEqual(b.map(stable));
  expect(a.map(stable)[1]).toMatchObject({ modelInvocationCount: 2, inputTokenCount: 200, ttft: true });
});

describe('mixing the two registrations never double counts', () => {
  it('withMetrics on an agent whose Mastra instance has the exporter: the exporter alone records', async () => {
    const records = new InMemoryExporter();
    const wrapped = new InMemoryExporter();
    const { agents } = createMastraSetup(
      server,
      mcpTools,
      new Metrics({ exporters: [records], logger: false }),
    );
    const main = withMetrics(agents.main, { exporters: [wrapped], logger: false });
    for (const mode of ['generate', 'stream'] as Mode[]) {
      server.script([{ text: 'once', usage: { input: 9, output: 1 } }]);
      expect((await run(main, mode, 'hi')).text).toBe('once');
    }
    await records.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(records.records.map((r) => payload(r).modelInvocationCount)).toEqual([1, 1]);
    expect(wrapped.records).toHaveLength(0);
  });

  it('a withMetrics agent (not on the Mastra instance) called from a tool joins the exporter run as a member', async () => {
    const records = new InMemoryExporter();
    const metrics = new Metrics({ exporters: [records], logger: false });
    const openai = createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' });
    const outsider = withMetrics(
      new Agent({
        id: 'outsider',
        name: 'outsider',
        instructions: 'x',
        model: openai.chat('gpt-outsider') as unknown as Agent['model'],
      }),
      { exporters: [records], logger: false },
    );
    const askOutsider = createTool({
      id: 'ask_outsider',
      description: 'asks the outsider',
      inputSchema: z.object({ question: z.string() }),
      execute: async ({ question }) => ({ answer: (await outsider.generate(question)).text }),
    });
    const host = new Agent({
      id: 'host',
      name: 'host',
      instructions: 'x',
      model: openai.chat('gpt-host') as unknown as Agent['model'],
      tools: { ask_outsider: askOutsider },
    });
    new Mastra({
      agents: { host },
      observability: new Observability({
        configs: { default: { serviceName: 't', exporters: [new MastraMetricsExporter(metrics)] } },
      }),
      logger: false,
    });
    server.script([
      {
        toolCalls: [{ name: 'ask_outsider', arguments: { question: 'q' } }],
        usage: { input: 10, output: 2 },
      },
      { text: 'inner', usage: { input: 4, output: 1 } },
      { text: 'outer', usage: { input: 20, output: 3 } },
    ]);
    expect((await run(host, 'stream', 'go')).text).toBe('outer');
    const [record] = await records.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(records.records).toHaveLength(1);
    expect(record?.members.map((m) => `${m.name}:${m.memberKind}:${m.modelCalls.length}`)).toEqual([
      'outsider:tool-agent:1',
    ]);
    expect(payload(record)).toMatchObject({
      modelInvocationCount: 3,
      inputTokenCount: 34,
      outputTokenCount: 6,
    });
  });
});

describe.each(['generate', 'stream'] as Mode[])(
  'standalone, a model given as a Mastra config the wrapper cannot reach (%s)',
  (mode) => {
    const build = () => {
      const records = new InMemoryExporter();
      const agent = withMetrics(
        new Agent({
          id: 'compat',
          name: 'compat',
          instructions: 'x',
          model: { id: 'openai/gpt-compat', url: server.openaiBaseUrl, apiKey: 'test', api: 'chat' },
          tools: { add },
        }),
        { exporters: [records], logger: false },
      );
      agent.__setLogger(noopLogger);
      return { records, agent };
    };

    it('each step is one model call, with its usage and tools', async () => {
      const { records, agent } = build();
      server.script([
        {
          toolCalls: [{ name: 'add', arguments: { a: 1, b: 1 } }],
          usage: { input: 30, output: 4, cached: 10 },
        },
        { text: 'Two', usage: { input: 40, output: 2 } },
      ]);
      expect((await run(agent, mode, 'add')).text).toBe('Two');
      const [record] = await records.waitFor(1);
      const metric = payload(record);
      expect(metric).toMatchObject({
        modelInvocationCount: 2,
        tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
        ...NO_ERRORS,
      });
      const askedForUsage = server.requests.map((r) =>
        JSON.stringify(r.body).includes('"include_usage":true'),
      );
      if (mode === 'generate' || askedForUsage.every(Boolean)) {
        expect(metric).toMatchObject({ inputTokenCount: 70, outputTokenCount: 6 });
        expect(record?.summary.usage?.cacheReadTokens).toBe(10);
      } else {
        // Mastra's OpenAI-compatible model streams without `stream_options.include_usage`:
        // no usage exists anywhere, so it is "not reported" (0 in the payload), never guessed.
        expect(askedForUsage).toEqual([false, false]);
        expect(record?.summary.usage).toBeUndefined();
        expect(metric).toMatchObject({ inputTokenCount: 0, outputTokenCount: 0 });
      }
      if (mode === 'stream') expect(metric.ttft).toBeGreaterThan(0);
      else expect(metric.ttft).toBe(0);
      expect(metric.modelLatency ?? 0).toBeLessThanOrEqual(metric.totalTime ?? 0);
    });

    it('a 500 is one failed model call with its status', async () => {
      const { records, agent } = build();
      server.script([{ error: { status: 500 } }]);
      expect((await run(agent, mode, 'hi')).error).toMatchObject({ statusCode: 500 });
      const [record] = await records.waitFor(1);
      expect(payload(record)).toMatchObject({
        modelInvocationCount: 1,
        ...NO_ERRORS,
        modelInvocationServerErrors: 1,
      });
    });
  },
);

it('the record reaches the ingestion collector through the HTTP exporter', async () => {
  const collector = await startCollector({ token: 'collector-secret' });
  try {
    const http = createResourceMetricsExporter({
      endpoint: collector.endpoint,
      accountId: ACCOUNT,
      token: 'collector-secret',
      batchDelayMs: 10,
    });
    const metrics = new Metrics({ exporters: [http], logger: false });
    const { agents } = createMastraSetup(server, mcpTools, metrics);
    server.script([
      {
        toolCalls: [{ name: 'weather_forecast', arguments: { city: 'Oslo' } }],
        usage: { input: 40, output: 6 },
      },
      { text: 'Sunny', usage: { input: 50, output: 2 } },
    ]);
    await run(agents.main, 'stream', 'weather?');
    await collector.waitForRecords(1, { timeoutMs: 5000 });
    await metrics.shutdown();
    expect(collector.records).toHaveLength(1);
    expect(collector.records[0]).toMatchObject({
      extAccountAliasId: ACCOUNT,
      providerType: 'MASTRA',
      operation: 'InvokeAgent',
      schemaVersion: '1.0.0',
      modelInvocationCount: 2,
      inputTokenCount: 90,
      outputTokenCount: 8,
      tools: [{ toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 }],
      ...NO_ERRORS,
    });
    expect(collector.records[0]?.ttft).toBeGreaterThan(0);
  } finally {
    await collector.close();
  }
});

it('a workflow step that calls an agent yields one record per agent call', async () => {
  const records = new InMemoryExporter();
  const metrics = new Metrics({ exporters: [records], logger: false });
  const step = createStep({
    id: 'ask',
    inputSchema: z.object({ question: z.string() }),
    outputSchema: z.object({ answer: z.string() }),
    execute: async ({ inputData, mastra }) => {
      const result = await mastra.getAgent('main').generate(inputData.question);
      return { answer: result.text };
    },
  });
  const workflow = createWorkflow({
    id: 'qa',
    inputSchema: z.object({ question: z.string() }),
    outputSchema: z.object({ answer: z.string() }),
  })
    .then(step)
    .commit();
  const { mastra } = createMastraSetup(server, mcpTools, metrics, { qa: workflow });
  server.script([{ text: 'Forty-two', usage: { input: 21, output: 4 } }]);
  const wf = mastra.getWorkflow('qa');
  const runHandle = await wf.createRun();
  const result = await runHandle.start({ inputData: { question: 'meaning of life?' } });
  expect(result.status).toBe('success');
  const [record] = await records.waitFor(1);
  expect(record?.name).toBe('main');
  expect(payload(record)).toMatchObject({
    modelInvocationCount: 1,
    inputTokenCount: 21,
    outputTokenCount: 4,
    ...NO_ERRORS,
  });
});

describe('the map of open runs is bounded', () => {
  const agentRun = (traceId: string, id: string, end?: boolean) => ({
    type: end ? 'span_ended' : 'span_started',
    exportedSpan: {
      id,
      traceId,
      type: 'agent_run',
      isRootSpan: true,
      name: `agent run: '${id}'`,
      entityId: 'a',
      entityName: 'a',
      startTime: new Date(),
      ...(end ? { endTime: new Date() } : {}),
      isEvent: false,
    },
  });

  it('by count: the oldest open run is closed and exported, with a diagnostic', () => {
    const records = new InMemoryExporter();
    const events: DiagnosticEvent[] = [];
    const exporter = new MastraMetricsExporter({
      exporters: [records],
      maxOpenRuns: 2,
      logger: false,
      diagnostics: (e) => events.push(e),
    });
    exporter.handle(agentRun('t1', 's1'));
    exporter.handle(agentRun('t2', 's2'));
    expect(records.records).toHaveLength(0);
    exporter.handle(agentRun('t3', 's3'));
    expect(records.records).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(['runs.evicted']);
    exporter.handle(agentRun('t1', 's1', true)); // too late: ignored
    exporter.handle(agentRun('t3', 's3', true));
    exporter.handle(agentRun('t2', 's2', true));
    expect(records.records).toHaveLength(3);
    void exporter.shutdown();
  });

  it('by age: a run older than maxRunAgeMs is closed when a new one opens', async () => {
    const records = new InMemoryExporter();
    const exporter = new MastraMetricsExporter({ exporters: [records], maxRunAgeMs: 10, logger: false });
    exporter.handle(agentRun('old', 'o1'));
    await new Promise((resolve) => setTimeout(resolve, 25));
    exporter.handle(agentRun('new', 'n1'));
    expect(records.records).toHaveLength(1);
    exporter.handle(agentRun('new', 'n1', true));
    expect(records.records).toHaveLength(2);
    await exporter.shutdown();
  });

  it('malformed events are ignored without throwing', () => {
    const events: DiagnosticEvent[] = [];
    const exporter = new MastraMetricsExporter({ logger: false, diagnostics: (e) => events.push(e) });
    expect(() => {
      exporter.handle({ type: 'span_started', exportedSpan: null });
      exporter.handle({ type: 'span_started', exportedSpan: { type: 'agent_run' } });
      exporter.handle({ type: 'span_ended', exportedSpan: { type: 'tool_call', traceId: 'x', id: 'y' } });
      exporter.handle(undefined as never);
    }).not.toThrow();
    void exporter.shutdown();
  });
});
