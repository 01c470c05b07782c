import { SimpleChatEngine } from '@llamaindex/core/chat-engine';
import { agent } from '@llamaindex/workflow';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llamaindexMetrics } from './index.js';
import { InMemoryExporter } from '@metrics/core/testing';
import { add, expectPayload, openai, payload, setup } from './test-helpers.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

/** Tag of the failures LlamaIndex leaves unhandled (see vitest.config.ts). */
const UNHANDLED = 'llamaindex-unhandled';

describe('model errors', () => {
  it('an LLM 500 inside agent(): LlamaIndex never settles the run; the deadline exports the record', async () => {
    const { exporter, metrics } = setup();
    // generous: the deadline must pass after the model call failed, even on a loaded machine
    const myAgent = metrics.instrument(agent({ llm: openai(server.openaiBaseUrl), tools: [add] }), {
      deadlineMs: 1500,
    });
    server.script('e500', [{ error: { status: 500, message: `boom ${UNHANDLED}` } }]);
    let settled = false;
    myAgent.run('script:e500 hi').then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    const [record] = await exporter.waitFor(1, 10_000);
    expect(settled).toBe(false);
    expectPayload(payload(record), {
      input: 0,
      output: 0,
      calls: 1,
      streamed: false,
      errors: { modelInvocationServerErrors: 1 },
    });
    expect(record?.outcome).toBe('error');
    expect(record?.error?.status).toBe(500);
    expect(record?.modelCalls[0]?.status).toBe(500);
  });

  it('an unknown tool name inside agent(): the abort signal exports the record', async () => {
    const { exporter, metrics } = setup();
    const controller = new AbortController();
    const myAgent = metrics.instrument(agent({ llm: openai(server.openaiBaseUrl), tools: [add] }), {
      signal: controller.signal,
    });
    server.script('ghost', [
      {
        toolCalls: [{ name: `ghost-${UNHANDLED}`, arguments: {}, id: 'g1' }],
        usage: { input: 40, output: 6 },
      },
    ]);
    const crashed = nextUnhandledRejection();
    void myAgent.run('script:ghost hi').catch(() => {});
    expect(String(((await crashed) as Error).message)).toContain('Tools not found');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(exporter.records).toHaveLength(0);
    controller.abort();
    const [record] = await exporter.waitFor(1);
    const metric = payload(record);
    expect(metric.modelInvocationCount).toBe(1);
    expect(metric.ttft).toBeGreaterThan(0);
    expect(metric.tools).toEqual([{ toolType: 'api', toolCalls: 1, successCount: 0, failureCount: 1 }]);
    expect(record?.toolCalls[0]?.name).toBe(`ghost-${UNHANDLED}`);
    expect(record?.outcome).toBe('error');
    expect(record?.error?.category).toBe('abort');
    expect(metric.modelInvocationUnknownErrors).toBe(1);
    expect(metric.modelInvocationServerErrors).toBe(0);
  });

  it('a 429 then success (the caller retries): two model calls, one throttle, a successful run', async () => {
    const { exporter, metrics } = setup();
    const engine = new SimpleChatEngine({ llm: metrics.instrument(openai(server.openaiBaseUrl)) });
    server.script('retry', [
      { error: { status: 429, message: 'slow down', retryAfter: 0 } },
      { text: 'Fine now.', usage: { input: 30, output: 3 } },
    ]);
    const answer = await metrics.run(async () => {
      try {
        return await engine.chat({ message: 'script:retry hi' });
      } catch {
        return await engine.chat({ message: 'script:retry hi again' });
      }
    });
    expect(answer.message.content).toBe('Fine now.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 30,
      output: 3,
      calls: 2,
      streamed: false,
      errors: { modelInvocationThrottles: 1 },
    });
    expect(record?.outcome).toBe('success');
  });

  it('a 500 that fails a chat engine call: the error reaches the caller untouched and is counted once', async () => {
    const { exporter, metrics } = setup();
    const llm = metrics.instrument(openai(server.openaiBaseUrl));
    const engine = new SimpleChatEngine({ llm });
    server.script('fail', [{ error: { status: 500, message: 'server down' } }]);
    const error = await metrics
      .run(() => engine.chat({ message: 'script:fail hi' }))
      .catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(500);
    expect((error as Error).constructor.name).toBe('InternalServerError');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 0,
      output: 0,
      calls: 1,
      streamed: false,
      errors: { modelInvocationServerErrors: 1 },
    });
    expect(record?.outcome).toBe('error');
  });

  it('an LLM the adapter never wrapped: the failed call is classified from the run error', async () => {
    const { exporter, metrics } = setup();
    const engine = new SimpleChatEngine({ llm: openai(server.openaiBaseUrl) });
    server.script('fail2', [{ error: { status: 400, message: 'bad request' } }]);
    await expect(metrics.run(() => engine.chat({ message: 'script:fail2 hi' }))).rejects.toMatchObject({
      status: 400,
    });
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 0,
      output: 0,
      calls: 1,
      streamed: false,
      errors: { modelInvocationClientErrors: 1 },
    });
  });
});

describe('adapter faults never reach the agent', () => {
  it('an exporter that throws: the result is untouched and a diagnostic is reported', async () => {
    const diagnostics: string[] = [];
    const good = new InMemoryExporter();
    const metrics = llamaindexMetrics({
      exporters: [
        {
          name: 'broken',
          export() {
            throw new Error('exporter broke');
          },
        },
        good,
      ],
      logger: false,
      diagnostics: (event) => diagnostics.push(`${event.type}: ${event.message}`),
    });
    const myAgent = metrics.instrument(agent({ llm: openai(server.openaiBaseUrl), tools: [add] }));
    server.script('exp', [{ text: 'All good.', usage: { input: 10, output: 2 } }]);
    const result = await myAgent.run('script:exp hi');
    expect(result.data.result).toBe('All good.');
    await good.waitFor(1);
    expect(diagnostics.some((d) => d.includes('exporter broke'))).toBe(true);
  });

  it('an agent whose LLM was built without include_usage: the adapter asks for it per call (exact tokens), the LLM options untouched', async () => {
    const { exporter, metrics, diagnostics } = setup();
    const llm = openai(server.openaiBaseUrl, { usage: false });
    const originalChat = llm.chat;
    const myAgent = metrics.instrument(agent({ llm, tools: [add] }));
    server.script('nousage', [{ text: 'Usage asked for.', usage: { input: 10, output: 2 } }]);
    await myAgent.run('script:nousage hi');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), { input: 10, output: 2, calls: 1, streamed: true });
    const body = server.requests.find((r) => r.scriptKey === 'nousage')?.body as { stream_options?: unknown };
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(llm.additionalChatOptions).toBeUndefined();
    expect(diagnostics.filter((d) => d.type === 'llamaindex.streamed-usage-missing')).toHaveLength(0);
    // after uninstrument() the LLM is the user's again: no usage asked for, and a warning says why (once)
    metrics.uninstrument();
    expect(llm.chat).toBe(originalChat);
    server.script('nousage2', [{ text: 'Not asked.', usage: { input: 10, output: 2 } }]);
    await metrics.run(() => agent({ llm, tools: [add] }).run('script:nousage2 hi'));
    const [, second] = await exporter.waitFor(2);
    expectPayload(payload(second), { input: 0, output: 0, calls: 1, streamed: true });
    const body2 = server.requests.find((r) => r.scriptKey === 'nousage2')?.body as {
      stream_options?: unknown;
    };
    expect(body2.stream_options).toBeUndefined();
    const told = diagnostics.filter((d) => d.type === 'llamaindex.streamed-usage-missing');
    expect(told).toHaveLength(1);
    expect(told[0]?.message).toContain('include_usage');
  });
});

describe('retries inside the openai client (attempts seen on the wire by the core)', () => {
  it('agent(): a 429 the client retried, then success: two model calls, one throttle, a successful run', async () => {
    const { exporter, metrics } = setup();
    const myAgent = metrics.instrument(
      agent({ llm: openai(server.openaiBaseUrl, { maxRetries: 2 }), tools: [add] }),
    );
    server.script('r429', [
      { error: { status: 429, message: 'slow down', retryAfter: '0.01' } },
      { text: 'Done after a retry.', usage: { input: 33, output: 4, cached: 8 } },
    ]);
    const result = await myAgent.run('script:r429 hi');
    expect(result.data.result).toBe('Done after a retry.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 33,
      output: 4,
      calls: 2,
      streamed: true,
      errors: { modelInvocationThrottles: 1 },
    });
    expect(record?.outcome).toBe('success');
    // in the order they were made: the failed attempt, then the outcome
    expect(record?.modelCalls.map((c) => [c.outcome, c.status])).toEqual([
      ['error', 429],
      ['success', undefined],
    ]);
  });

  it('a chat engine call whose retries all fail: every attempt counted once', async () => {
    const { exporter, metrics } = setup();
    const engine = new SimpleChatEngine({
      llm: metrics.instrument(openai(server.openaiBaseUrl, { maxRetries: 1 })),
    });
    server.script('r503', [
      { error: { status: 503, message: 'overloaded', retryAfter: '0.01' } },
      { error: { status: 500, message: 'still down', retryAfter: '0.01' } },
    ]);
    await expect(metrics.run(() => engine.chat({ message: 'script:r503 hi' }))).rejects.toMatchObject({
      status: 500,
    });
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 0,
      output: 0,
      calls: 2,
      streamed: false,
      errors: { modelInvocationServerErrors: 2 },
    });
    expect(record?.modelCalls.map((c) => c.status).sort()).toEqual([500, 503]);
  });
});

/** The next unhandled rejection tagged as expected (LlamaIndex's own; vitest.config.ts ignores those). */
function nextUnhandledRejection(): Promise<unknown> {
  return new Promise((resolve) => {
    const listener = (reason: unknown) => {
      if (!String((reason as Error | undefined)?.message).includes(UNHANDLED)) return;
      process.off('unhandledRejection', listener);
      resolve(reason);
    };
    process.on('unhandledRejection', listener);
  });
}
