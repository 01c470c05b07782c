import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { type DiagnosticEvent, type InvocationRecord, Metrics } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { createAgent, piiMiddleware, toolCallLimitMiddleware } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsCallbackHandler } from './handler.js';
import { createMetricsMiddleware } from './middleware.js';
import { boom, openai, payload, weather } from './test-helpers.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});

const twoSteps = (key: string) =>
  server.script(key, [
    {
      toolCalls: [
        { name: 'weather', arguments: { city: 'Lima' }, id: `${key}-1` },
        { name: 'boom', arguments: {}, id: `${key}-2` },
      ],
      usage: { input: 33, output: 11 },
    },
    { text: 'fine', usage: { input: 44, output: 5, cached: 4, reasoning: 1 } },
  ]);

describe('robustness', () => {
  it.each(['handler', 'middleware'] as const)(
    'an exporter that throws never reaches the agent (%s)',
    async (mode) => {
      const events: DiagnosticEvent[] = [];
      const options = {
        exporters: [
          {
            export() {
              throw new Error('exporter down');
            },
          },
        ],
        diagnostics: (event: DiagnosticEvent) => events.push(event),
        logger: false as const,
      };
      const handler = mode === 'handler' ? new MetricsCallbackHandler(options) : undefined;
      const middleware = mode === 'middleware' ? createMetricsMiddleware(options) : undefined;
      const agent = createAgent({
        model: openai(server),
        tools: [weather, boom],
        ...(middleware ? { middleware: [middleware] } : {}),
      });
      twoSteps(`throwing-exporter-${mode}`);
      const result = await agent.invoke(
        { messages: [{ role: 'user', content: `script:throwing-exporter-${mode} go` }] },
        handler ? { callbacks: [handler] } : {},
      );
      expect(result.messages.at(-1)?.content).toBe('fine');
      expect(result.messages.map((m) => m.type)).toEqual(['human', 'ai', 'tool', 'tool', 'ai']);
      // the failed tool's message is the one createAgent's own ToolNode writes, with or without the middleware
      const failed = result.messages.find(
        (m) => m.type === 'tool' && (m as { status?: string }).status === 'error',
      );
      expect(failed?.content).toBe('Error: tool exploded\n Please fix your mistakes.');
      expect(events.some((e) => e.type === 'adapter.error' && e.message.includes('exporter down'))).toBe(
        true,
      );
    },
  );

  it('the handler and the middleware give the same record for the same run; by default the run is counted once', async () => {
    const handlerExporter = new InMemoryExporter();
    const middlewareExporter = new InMemoryExporter();
    const handler = new MetricsCallbackHandler({
      exporters: [handlerExporter],
      logger: false,
      deferToMiddleware: false,
    });
    const middleware = createMetricsMiddleware({ exporters: [middlewareExporter], logger: false });
    const agent = createAgent({ model: openai(server), tools: [weather, boom], middleware: [middleware] });
    twoSteps('both');
    await agent.invoke({ messages: [{ role: 'user', content: 'script:both go' }] }, { callbacks: [handler] });
    expect(handlerExporter.records).toHaveLength(1);
    expect(middlewareExporter.records).toHaveLength(1);
    const timing = ['time', 'totalTime', 'modelLatency', 'ttft', 'sessionId'] as const;
    const strip = (record: InvocationRecord | undefined) => {
      const p: Record<string, unknown> = { ...payload(record) };
      for (const key of timing) delete p[key];
      return p;
    };
    expect(strip(handlerExporter.records[0])).toEqual(strip(middlewareExporter.records[0]));
    expect(strip(handlerExporter.records[0])).toMatchObject({
      inputTokenCount: 77,
      outputTokenCount: 16,
      modelInvocationCount: 2,
      tools: [{ toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 }],
    });
    const h = handlerExporter.records[0] as InvocationRecord;
    const m = middlewareExporter.records[0] as InvocationRecord;
    expect(h.summary.usage).toEqual(m.summary.usage);
    expect(h.toolCalls.map((c) => [c.name, c.callId, c.outcome])).toEqual(
      m.toolCalls.map((c) => [c.name, c.callId, c.outcome]),
    );

    // default: the handler defers to the middleware, so the run is exported once
    const shared = new InMemoryExporter();
    const metrics = new Metrics({ exporters: [shared], logger: false });
    const both = createAgent({
      model: openai(server),
      tools: [weather, boom],
      middleware: [createMetricsMiddleware(metrics)],
    });
    twoSteps('both-once');
    await both.invoke(
      { messages: [{ role: 'user', content: 'script:both-once go' }] },
      { callbacks: [new MetricsCallbackHandler(metrics)] },
    );
    expect(shared.records).toHaveLength(1);
    expect(payload(shared.records[0]).modelInvocationCount).toBe(2);
  });

  it('records are complete when await returns, whatever LANGCHAIN_CALLBACKS_BACKGROUND says', async () => {
    const previous = process.env.LANGCHAIN_CALLBACKS_BACKGROUND;
    process.env.LANGCHAIN_CALLBACKS_BACKGROUND = 'true';
    try {
      const exporter = new InMemoryExporter();
      const handler = new MetricsCallbackHandler({ exporters: [exporter], logger: false });
      // a backgrounded handler of the user's, created with the env var in effect
      const background = BaseCallbackHandler.fromMethods({ handleLLMEnd() {} });
      expect(background.awaitHandlers).toBe(false);
      expect(handler.awaitHandlers).toBe(true);
      twoSteps('background');
      const agent = createAgent({ model: openai(server), tools: [weather, boom] });
      await agent.invoke(
        { messages: [{ role: 'user', content: 'script:background go' }] },
        { callbacks: [handler, background] },
      );
      expect(exporter.records).toHaveLength(1);
      expect(payload(exporter.records[0])).toMatchObject({ inputTokenCount: 77, modelInvocationCount: 2 });
    } finally {
      if (previous === undefined) delete process.env.LANGCHAIN_CALLBACKS_BACKGROUND;
      else process.env.LANGCHAIN_CALLBACKS_BACKGROUND = previous;
    }
  });

  it('a shared handler bounds its open runs: a run whose end never arrives is evicted', () => {
    const exporter = new InMemoryExporter();
    const events: DiagnosticEvent[] = [];
    const handler = new MetricsCallbackHandler({
      exporters: [exporter],
      logger: false,
      maxOpenRuns: 3,
      diagnostics: (event) => events.push(event),
    });
    const graph = { id: ['langgraph', 'pregel', 'CompiledStateGraph'] };
    for (let i = 0; i < 10; i++)
      handler.handleChainStart(graph, {}, `00000000-0000-4000-8000-00000000000${i % 10}`.slice(-36));
    expect(handler.tree.openInvocations).toBe(3);
    expect(exporter.records).toHaveLength(7);
    expect(events.filter((e) => e.type === 'runs.evicted')).toHaveLength(7);
  });
});

describe.each(['handler', 'middleware'] as const)('guardrails (%s)', (mode) => {
  function setup(extra: unknown[]) {
    const exporter = new InMemoryExporter();
    const options = { exporters: [exporter], logger: false as const };
    const handler = mode === 'handler' ? new MetricsCallbackHandler(options) : undefined;
    const middleware = mode === 'middleware' ? createMetricsMiddleware(options) : undefined;
    const agent = createAgent({
      model: openai(server),
      tools: [weather, boom],
      middleware: [...(middleware ? [middleware] : []), ...extra] as any,
    });
    return { exporter, agent, config: handler ? { callbacks: [handler] } : {}, middleware };
  }

  it('tool calls blocked by toolCallLimitMiddleware count as guardrail hits, not tool failures', async () => {
    const { exporter, agent, config } = setup([
      toolCallLimitMiddleware({ runLimit: 1, exitBehavior: 'continue' }),
    ]);
    const key = `limit-${mode}`;
    server.script(key, [
      {
        toolCalls: [
          { name: 'weather', arguments: { city: 'A' }, id: `${key}-1` },
          { name: 'weather', arguments: { city: 'B' }, id: `${key}-2` },
          { name: 'weather', arguments: { city: 'C' }, id: `${key}-3` },
        ],
        usage: { input: 10, output: 3 },
      },
      { text: 'ok', usage: { input: 20, output: 2 } },
    ]);
    await agent.invoke({ messages: [{ role: 'user', content: `script:${key} go` }] }, config);
    expect(exporter.records).toHaveLength(1);
    const p = payload(exporter.records[0]);
    expect(p).toMatchObject({ guardrailHits: 2, modelInvocationCount: 2, inputTokenCount: 30 });
    expect(p.tools).toEqual([{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }]);
  });

  it('a PII block counts as a guardrail hit and is not counted as an error', async () => {
    const { exporter, agent, config } = setup([piiMiddleware('email', { strategy: 'block' })]);
    const key = `pii-${mode}`;
    server.script(key, [{ text: 'never', usage: { input: 1, output: 1 } }]);
    const error = await agent
      .invoke({ messages: [{ role: 'user', content: `script:${key} mail me at jane@example.com` }] }, config)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((error as Error).name).toBe('PIIDetectionError');
    if (mode === 'middleware') {
      // A run that fails before its first model call is invisible to wrapModelCall/wrapToolCall.
      expect(exporter.records).toHaveLength(0);
      return;
    }
    expect(exporter.records).toHaveLength(1);
    const p = payload(exporter.records[0]);
    expect(p).toMatchObject({
      modelInvocationCount: 0,
      invocationClientErrors: 0,
      invocationServerErrors: 0,
      guardrailHits: 1,
    });
  });
});

describe('middleware with exactBoundaries', () => {
  it('records a run that fails before its first model call (ended by flush), and a normal run at its end', async () => {
    const exporter = new InMemoryExporter();
    const middleware = createMetricsMiddleware({
      exporters: [exporter],
      logger: false,
      exactBoundaries: true,
    });
    const agent = createAgent({
      model: openai(server),
      tools: [weather, boom],
      middleware: [middleware, piiMiddleware('email', { strategy: 'block' })],
    });
    await expect(
      agent.invoke({ messages: [{ role: 'user', content: 'script:exact-pii write to a@b.co' }] }),
    ).rejects.toThrow('PII');
    expect(exporter.records).toHaveLength(0);
    twoSteps('exact-ok');
    await agent.invoke({ messages: [{ role: 'user', content: 'script:exact-ok go' }] });
    expect(exporter.records).toHaveLength(1);
    expect(payload(exporter.records[0])).toMatchObject({
      inputTokenCount: 77,
      outputTokenCount: 16,
      modelInvocationCount: 2,
      tools: [{ toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 }],
    });
    await middleware.flush();
    expect(exporter.records).toHaveLength(2);
    expect(payload(exporter.records[1])).toMatchObject({ modelInvocationCount: 0 });
  });
});
