// Every HTTP attempt of a model call is seen, through Node's diagnostics channels, with the provider
// client (the real `openai` package, retries left on) unchanged: the manual API's scopes get them.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromOpenAIChatUsage } from '../usage/from-openai.js';
import { Metrics } from '../metrics.js';
import type { InvocationRecord } from '../recorder/record.js';
import { addAttemptLogResolver } from './attempt-scope.js';
import { AttemptLog } from './attempt-log.js';

type Step =
  | { status: number; retryAfterMs?: number }
  | { reset: true }
  | { ok: { input: number; output: number } };

/** A chat-completions server answering each conversation (`script:<key>` in the body) from its own queue. */
async function startServer(): Promise<{
  url: string;
  script(key: string, steps: Step[]): void;
  hits: number;
  close(): Promise<void>;
}> {
  const queues = new Map<string, Step[]>();
  const state = { hits: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      state.hits++;
      const key = /script:([\w.-]+)/.exec(body)?.[1] ?? '';
      const step = queues.get(key)?.shift() ?? { ok: { input: 1, output: 1 } };
      if ('reset' in step) return req.socket.destroy();
      if ('status' in step) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (step.retryAfterMs !== undefined) headers['retry-after-ms'] = String(step.retryAfterMs);
        res.writeHead(step.status, headers);
        return res.end(JSON.stringify({ error: { message: `HTTP ${step.status}`, type: 'x' } }));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'c',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-test',
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: {
            prompt_tokens: step.ok.input,
            completion_tokens: step.ok.output,
            total_tokens: step.ok.input + step.ok.output,
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    script: (key, steps) => queues.set(key, [...steps]),
    get hits() {
      return state.hits;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let model: Awaited<ReturnType<typeof startServer>>;
let side: Awaited<ReturnType<typeof startServer>>;
let client: OpenAI;

beforeAll(async () => {
  model = await startServer();
  side = await startServer();
  client = new OpenAI({ apiKey: 'test', baseURL: `${model.url}/v1` }); // default retries: 2
});
afterAll(async () => {
  await model.close();
  await side.close();
});

function setup() {
  const records: InvocationRecord[] = [];
  const metrics = new Metrics({ exporters: [{ export: (record) => records.push(record) }], logger: false });
  return { metrics, records };
}

async function chat(key: string) {
  return client.chat.completions.create({
    model: 'gpt-test',
    messages: [{ role: 'user', content: `script:${key}` }],
  });
}

/** One model call through the manual API, as the README shows it. */
async function modelCall(metrics: Metrics, key: string) {
  return metrics.withInvocation({ model: 'gpt-test' }, async (run) => {
    const call = run.startModelCall({ model: 'gpt-test' });
    try {
      const response = await chat(key);
      call.end({ usage: fromOpenAIChatUsage(response.usage) });
    } catch (error) {
      call.fail(error);
      throw error;
    }
  });
}

describe('HTTP attempts of the manual API', () => {
  it('a 429 the client retried: 2 model calls, 1 throttle, and the backoff is not model time', async () => {
    const { metrics, records } = setup();
    model.script('throttled', [{ status: 429, retryAfterMs: 300 }, { ok: { input: 7, output: 3 } }]);
    await modelCall(metrics, 'throttled');
    const [record] = records;
    expect(records).toHaveLength(1);
    expect(record!.summary.modelCalls).toBe(2);
    expect(record!.summary.errors.modelInvocationThrottles).toBe(1);
    expect(record!.summary.usage?.inputTokens).toBe(7);
    expect(record!.summary.usage?.outputTokens).toBe(3);
    expect(record!.modelCalls.map((c) => [c.attempt, c.outcome, c.status])).toEqual([
      [1, 'error', 429],
      [2, 'success', undefined],
    ]);
    // the client waited 300 ms between the attempts: that wait is in the run, not in the calls
    const [failed, succeeded] = record!.modelCalls;
    expect(succeeded!.startedAt - failed!.endedAt).toBeGreaterThanOrEqual(250);
    expect(record!.summary.modelLatencyMs).toBeLessThan(record!.durationMs - 250);
  });

  it('5xx until the client gives up: 3 calls, 3 server errors, a failed run counted once', async () => {
    const { metrics, records } = setup();
    model.script('down', [
      { status: 503, retryAfterMs: 0 },
      { status: 503, retryAfterMs: 0 },
      { status: 503, retryAfterMs: 0 },
    ]);
    await expect(modelCall(metrics, 'down')).rejects.toThrow();
    const [record] = records;
    expect(record!.outcome).toBe('error');
    expect(record!.summary.modelCalls).toBe(3);
    expect(record!.summary.errors.modelInvocationServerErrors).toBe(3);
    expect(record!.summary.errors.invocationServerErrors).toBe(0);
    expect(record!.modelCalls.map((c) => c.status)).toEqual([503, 503, 503]);
    expect(record!.modelCalls[2]!.error?.name).toBe('InternalServerError');
  });

  it('a connection reset the client retried: a server error, then the answer', async () => {
    const { metrics, records } = setup();
    model.script('reset', [{ reset: true }, { ok: { input: 4, output: 2 } }]);
    await modelCall(metrics, 'reset');
    const [record] = records;
    expect(record!.summary.modelCalls).toBe(2);
    expect(record!.summary.errors.modelInvocationServerErrors).toBe(1);
    expect(record!.modelCalls[0]!.error?.category).toBe('network');
    expect(record!.summary.usage?.totalTokens).toBe(6);
  });

  it("a tool's own request and a tracing upload to another origin are not model calls", async () => {
    const { metrics, records } = setup();
    side.script('tool', [{ status: 500 }]);
    side.script('trace', [{ status: 503 }, { status: 503 }]);
    await metrics.withInvocation({}, async (run) => {
      const call = run.startModelCall({ model: 'gpt-test' });
      // a tracer's uploads from inside the call: one sent before the model request, one from a batch
      // timer set in the call's context; both fail, neither is a model attempt
      const early = await fetch(`${side.url}/traces`, { method: 'POST', body: 'script:trace' });
      const late = new Promise((resolve) =>
        setTimeout(() => resolve(fetch(`${side.url}/traces`, { method: 'POST', body: 'script:trace' })), 1),
      );
      model.script('plain', [{ status: 429, retryAfterMs: 0 }, { ok: { input: 5, output: 1 } }]);
      const response = await chat('plain');
      await late;
      expect(early.status).toBe(503);
      call.end({ usage: fromOpenAIChatUsage(response.usage) });
      const tool = run.startToolCall({ name: 'lookup', type: 'api' });
      const answer = await fetch(`${side.url}/lookup`, { method: 'POST', body: 'script:tool' });
      if (answer.ok) tool.end();
      else tool.fail(new Error(`lookup answered ${answer.status}`));
    });
    const [record] = records;
    expect(record!.summary.modelCalls).toBe(2);
    expect(record!.summary.errors.modelInvocationThrottles).toBe(1);
    expect(record!.summary.errors.modelInvocationServerErrors).toBe(0);
    expect(record!.summary.tools.api).toEqual({ calls: 1, success: 0, failure: 1 });
  });

  it('node:http requests are attempts too', async () => {
    const { metrics, records } = setup();
    model.script('http', [{ status: 429 }, { ok: { input: 2, output: 2 } }]);
    const post = () =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${model.url}/v1/chat/completions`, { method: 'POST' }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end('script:http');
      });
    await metrics.withInvocation({}, async (run) => {
      const call = run.startModelCall();
      while ((await post()) === 429);
      call.end();
    });
    expect(records[0]!.summary.modelCalls).toBe(2);
    expect(records[0]!.summary.errors.modelInvocationThrottles).toBe(1);
  });

  it('20 concurrent runs with different retry scripts: each record exact', async () => {
    const { metrics, records } = setup();
    const runs = Array.from({ length: 20 }, (_, i) => ({ key: `c${i}`, throttles: i % 3, input: 10 + i }));
    for (const run of runs)
      model.script(run.key, [
        ...Array.from({ length: run.throttles }, () => ({ status: 429, retryAfterMs: 5 })),
        { ok: { input: run.input, output: 1 } },
      ]);
    await Promise.all(
      runs.map((run) =>
        metrics.withInvocation({ name: run.key }, async (invocation) => {
          const call = invocation.startModelCall();
          const response = await chat(run.key);
          call.end({ usage: fromOpenAIChatUsage(response.usage) });
        }),
      ),
    );
    expect(records).toHaveLength(20);
    for (const run of runs) {
      const record = records.find((r) => r.name === run.key)!;
      expect(record.summary.modelCalls, run.key).toBe(run.throttles + 1);
      expect(record.summary.errors.modelInvocationThrottles, run.key).toBe(run.throttles);
      expect(record.summary.usage?.inputTokens, run.key).toBe(run.input);
    }
  });

  it('an adapter resolver attributes requests made outside any scope, and a null answer means none', async () => {
    const { metrics, records } = setup();
    const log = new AttemptLog();
    let answer: AttemptLog | null = log;
    const remove = addAttemptLogResolver(() => answer);
    try {
      model.script('resolved', [{ status: 429, retryAfterMs: 0 }, { ok: { input: 3, output: 3 } }]);
      const run = metrics.startInvocation();
      const startedAt = Date.now();
      const response = await chat('resolved');
      answer = null;
      await chat('ignored');
      run.recordModelCall({
        startedAt,
        endedAt: Date.now(),
        attempts: log,
        usage: fromOpenAIChatUsage(response.usage),
      });
      run.end();
    } finally {
      remove();
    }
    expect(log.attempts().map((a) => a.status)).toEqual([429, 200]);
    expect(records[0]!.summary.modelCalls).toBe(2);
    expect(records[0]!.summary.errors.modelInvocationThrottles).toBe(1);
  });

  it("telemetry uploads and token counting on the model's own host are not attempts", async () => {
    const { metrics, records } = setup();
    model.script('tele', [
      { status: 503 },
      { status: 503 },
      { status: 503 },
      { status: 429, retryAfterMs: 0 },
      { ok: { input: 8, output: 2 } },
    ]);
    await metrics.withInvocation({}, async (run) => {
      const call = run.startModelCall();
      for (const path of ['/v1/traces/ingest', '/v1/traces', '/v1/messages/count_tokens'])
        await fetch(`${model.url}${path}`, { method: 'POST', body: 'script:tele' });
      const response = await chat('tele');
      call.end({ usage: fromOpenAIChatUsage(response.usage) });
    });
    expect(records[0]!.summary.modelCalls).toBe(2);
    expect(records[0]!.summary.errors.modelInvocationThrottles).toBe(1);
    expect(records[0]!.summary.errors.modelInvocationServerErrors).toBe(0);
  });
});
