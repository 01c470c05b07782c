// The same scenarios through both registrations — the Mastra exporter and the standalone wrapper —
// each generate and stream, against the testkit model server over HTTP and a real MCP server.
import type { MCPClient } from '@mastra/mcp';
import { Metrics } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { startModelServer } from '@metrics/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type Agents,
  type Mode,
  type ModelServer,
  NO_ERRORS,
  createMastraSetup,
  createStandaloneSetup,
  expectTimings,
  payload,
  run,
  startMcp,
} from './test-helpers.js';

let server: ModelServer;
let mcp: MCPClient;
let mcpTools: Record<string, unknown>;

beforeAll(async () => {
  server = await startModelServer();
  mcp = startMcp('scenarios');
  mcpTools = await mcp.listTools();
});

afterAll(async () => {
  await mcp?.disconnect();
  await server?.close();
});

const paths = [
  ['exporter on a Mastra instance', createMastraSetup],
  ['standalone agent (withMetrics)', createStandaloneSetup],
] as const;

describe.each(paths)('%s', (_title, setup) => {
  const records = new InMemoryExporter();
  const metrics = new Metrics({ exporters: [records], logger: false });
  let agents: Agents;

  beforeAll(() => {
    agents = setup(server, mcpTools, metrics).agents;
  });

  beforeEach(() => {
    records.reset();
    server.reset();
  });

  describe.each(['generate', 'stream'] as Mode[])('%s', (mode) => {
    it('a plain answer', async () => {
      server.script([{ text: 'Hello there', usage: { input: 12, output: 3 } }]);
      const outcome = await run(agents.main, mode, 'hi');
      expect(outcome.text).toBe('Hello there');
      const [record] = await records.waitFor(1);
      const metric = payload(record);
      expect(metric).toMatchObject({
        providerType: 'MASTRA',
        operation: 'InvokeAgent',
        extModelId: 'gpt-main',
        modelInvocationCount: 1,
        inputTokenCount: 12,
        outputTokenCount: 3,
        guardrailHits: 0,
        ...NO_ERRORS,
      });
      expect(metric.tools).toBeUndefined();
      expectTimings(metric, mode);
      expect(record?.modelCalls[0]?.streamed).toBe(mode === 'stream');
      expect(server.requests.map((r) => r.stream)).toEqual([mode === 'stream']);
    });

    it('a multi-step tool loop: api tools, MCP tools, throwing tools; cached and reasoning tokens', async () => {
      server.script([
        {
          toolCalls: [
            { name: 'add', arguments: { a: 1, b: 2 } },
            { name: 'boom', arguments: {} },
            { name: 'weather_forecast', arguments: { city: 'Oslo' } },
            { name: 'weather_broken', arguments: { city: 'Oslo' } },
          ],
          usage: { input: 100, output: 20, cached: 40, reasoning: 5 },
        },
        { text: 'All done', usage: { input: 200, output: 10, cached: 8 } },
      ]);
      const outcome = await run(agents.main, mode, 'use the tools');
      expect(outcome.text).toBe('All done');
      const [record] = await records.waitFor(1);
      const metric = payload(record);
      expect(metric).toMatchObject({
        modelInvocationCount: 2,
        inputTokenCount: 300,
        outputTokenCount: 30,
        guardrailHits: 0,
        ...NO_ERRORS,
      });
      expect(metric.tools).toEqual([
        { toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 },
        { toolType: 'mcp', toolCalls: 2, successCount: 1, failureCount: 1 },
      ]);
      expect(record?.summary.usage).toMatchObject({ cacheReadTokens: 48, reasoningTokens: 5 });
      expect(record?.toolCalls.map((t) => `${t.name}:${t.type}:${t.outcome}`).sort()).toEqual([
        'add:api:success',
        'boom:api:failure',
        'weather_broken:mcp:failure',
        'weather_forecast:mcp:success',
      ]);
      expectTimings(metric, mode);
    });

    it('a 429 that Mastra retried, then success: both attempts counted, one throttle', async () => {
      server.script([
        { error: { status: 429, retryAfter: 0 } },
        { text: 'ok now', usage: { input: 5, output: 2 } },
      ]);
      const outcome = await run(agents.retrying, mode, 'hi');
      expect(outcome.text).toBe('ok now');
      const [record] = await records.waitFor(1);
      const metric = payload(record);
      expect(metric).toMatchObject({
        modelInvocationCount: 2,
        inputTokenCount: 5,
        outputTokenCount: 2,
        ...NO_ERRORS,
        modelInvocationThrottles: 1,
      });
      expect(record?.modelCalls.map((c) => c.status ?? 'ok')).toEqual([429, 'ok']);
      expectTimings(metric, mode);
    });

    it('a 500 that fails the run: the caller sees the error, the record counts it once', async () => {
      server.script([{ error: { status: 500, message: 'upstream broke' } }]);
      const outcome = await run(agents.main, mode, 'hi');
      expect((outcome.error as { statusCode?: number } | undefined)?.statusCode).toBe(500);
      const [record] = await records.waitFor(1);
      expect(record?.outcome).toBe('error');
      const metric = payload(record);
      expect(metric).toMatchObject({
        modelInvocationCount: 1,
        inputTokenCount: 0,
        outputTokenCount: 0,
        ...NO_ERRORS,
        modelInvocationServerErrors: 1,
      });
      expect(metric.tools).toBeUndefined();
      expect(metric.ttft).toBe(0);
      expect(metric.modelLatency ?? 0).toBeLessThanOrEqual(metric.totalTime ?? 0);
    });

    it('a processor tripwire: no throw, one guardrail hit, the run still recorded', async () => {
      const outcome = await run(agents.guarded, mode, 'tell me the secret');
      expect(outcome.error).toBeUndefined();
      expect(outcome.tripwire).toMatchObject({ reason: 'secret detected' });
      const [record] = await records.waitFor(1);
      expect(record?.outcome).toBe('success');
      expect(record?.guardrailTrips.map((t) => t.name)).toEqual(['no-secrets']);
      expect(payload(record)).toMatchObject({
        modelInvocationCount: 0,
        inputTokenCount: 0,
        outputTokenCount: 0,
        guardrailHits: 1,
        ttft: 0,
        modelLatency: 0,
        ...NO_ERRORS,
      });
      expect(server.requests).toHaveLength(0);
    });

    it('an agent that calls another agent from a tool: one record, the helper rolled in as a member run', async () => {
      server.script([
        {
          toolCalls: [{ name: 'ask_helper', arguments: { question: 'capital of Norway?' } }],
          usage: { input: 50, output: 5 },
        },
        { text: 'Oslo', usage: { input: 7, output: 3 } },
        { text: 'The helper says Oslo', usage: { input: 60, output: 6 } },
      ]);
      const outcome = await run(agents.main, mode, 'ask the helper');
      expect(outcome.text).toBe('The helper says Oslo');
      const [record] = await records.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(records.records).toHaveLength(1);
      expect(record?.members.map((m) => `${m.name}:${m.memberKind}:${m.modelCalls.length}`)).toEqual([
        'helper:tool-agent:1',
      ]);
      const metric = payload(record);
      expect(metric).toMatchObject({
        modelInvocationCount: 3,
        inputTokenCount: 117,
        outputTokenCount: 14,
        extModelId: 'gpt-main',
        ...NO_ERRORS,
      });
      expect(metric.tools).toEqual([{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }]);
      expectTimings(metric, mode);
    });

    it("a Mastra sub-agent (`agents: { helper }`): one record with the helper's calls", async () => {
      server.script([
        {
          toolCalls: [{ name: 'agent-helper', arguments: { prompt: 'say hi' } }],
          usage: { input: 30, output: 4 },
        },
        { text: 'hi', usage: { input: 8, output: 1 } },
        { text: 'Helper said hi', usage: { input: 40, output: 5 } },
      ]);
      const outcome = await run(agents.boss, mode, 'delegate');
      expect(outcome.text).toBe('Helper said hi');
      const [record] = await records.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(records.records).toHaveLength(1);
      expect(record?.members.map((m) => `${m.name}:${m.memberKind}`)).toEqual(['helper:tool-agent']);
      expect(payload(record)).toMatchObject({
        modelInvocationCount: 3,
        inputTokenCount: 78,
        outputTokenCount: 10,
        ...NO_ERRORS,
      });
    });
  });

  it('20 concurrent runs with different numbers never mix', async () => {
    const n = 20;
    for (let i = 0; i < n; i++) {
      server.script(`run${i}`, [
        {
          toolCalls: [{ name: 'add', arguments: { a: i, b: i } }],
          usage: { input: 100 + i, output: 10 + i, cached: i },
        },
        { text: `The sum is ${2 * i}`, usage: { input: 1000 + i, output: 20 + i } },
      ]);
    }
    const outcomes = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        run(agents.main, i % 2 === 0 ? 'generate' : 'stream', `script:run${i} add ${i}+${i}`),
      ),
    );
    expect(outcomes.map((outcome) => outcome.text)).toEqual(outcomes.map((_, i) => `The sum is ${2 * i}`));
    const all = await records.waitFor(n);
    expect(all).toHaveLength(n);
    const byInput = new Map(all.map((record) => [payload(record).inputTokenCount, record]));
    for (let i = 0; i < n; i++) {
      const record = byInput.get(1100 + 2 * i);
      const metric = payload(record);
      expect(metric).toMatchObject({
        modelInvocationCount: 2,
        outputTokenCount: 30 + 2 * i,
        tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
        ...NO_ERRORS,
      });
      expect(record?.summary.usage?.cacheReadTokens ?? 0).toBe(i);
      if (i % 2 === 1) expect(metric.ttft).toBeGreaterThan(0);
      else expect(metric.ttft).toBe(0);
    }
  });
});
