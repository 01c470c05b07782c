/**
 * The middleware alone groups the model calls of a run by itself. Providers that number tool-call
 * ids per answer (`call_0`, `call_1`) give concurrent conversations the same ids: the grouping must
 * still put every call in its own run (issue 16). The testkit server reuses ids here.
 */
import { createOpenAI as createOpenAIv3 } from '@ai-sdk/openai-v3';
import { createOpenAI } from '@ai-sdk/openai';
import { type ModelServer, type ScriptStep, startModelServer } from '@metrics/testkit';
import * as ai7 from 'ai';
import * as ai6 from 'ai-v6';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiSdkMiddleware } from './index.js';
import { memoryMetrics, noErrors, payload } from './test-support.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ toolCallIds: 'reuse' });
});
afterAll(() => server.close());

const RUNS = 16;

/**
 * Run i: (i % 3) + 1 tool steps of (i % 2) + 1 calls each (ids `call_0`, `call_1` in every run),
 * a 429 (Retry-After: 0) before the second step when i % 4 === 1, then an answer; run i with
 * i % 8 === 7 fails on its second step with three 500s (the SDK gives up after 2 retries).
 * Step s of run i reports input 1000 * (s + 1) (+ i on the first step) and output 10 * (s + 1) + i.
 */
function scriptOf(i: number): ScriptStep[] {
  const toolSteps = (i % 3) + 1;
  const calls = (i % 2) + 1;
  const usage = (s: number) => ({ input: 1000 * (s + 1) + (s === 0 ? i : 0), output: 10 * (s + 1) + i });
  const steps: ScriptStep[] = [];
  for (let s = 0; s <= toolSteps; s++) {
    if (s === 1 && i % 4 === 1) steps.push({ error: { status: 429, retryAfter: 0 } });
    if (s === 1 && i % 8 === 7) {
      const fail = { error: { status: 500, retryAfter: 0 } } as const;
      steps.push(fail, fail, fail);
      return steps;
    }
    steps.push(
      s < toolSteps
        ? {
            toolCalls: Array.from({ length: calls }, (_, n) => ({ name: 'add', arguments: { a: n, b: s } })),
            usage: usage(s),
            firstChunkDelayMs: (i * 7 + s * 3) % 11,
          }
        : { text: `run ${i} done`, usage: usage(s), firstChunkDelayMs: (i * 5 + s) % 7 },
    );
  }
  return steps;
}

function expected(i: number) {
  const failed = i % 8 === 7;
  const toolSteps = (i % 3) + 1;
  const steps = failed ? 1 : toolSteps + 1; // successful steps
  let input = 0;
  let output = 0;
  for (let s = 0; s < steps; s++) {
    input += 1000 * (s + 1) + (s === 0 ? i : 0);
    output += 10 * (s + 1) + i;
  }
  const throttles = i % 4 === 1 ? 1 : 0;
  const serverErrors = failed ? 3 : 0;
  const toolCalls = (failed ? 1 : toolSteps) * ((i % 2) + 1);
  return {
    failed,
    input,
    output,
    calls: steps + throttles + serverErrors,
    throttles,
    serverErrors,
    toolCalls,
  };
}

describe.each([7, 6] as const)(
  'middleware alone on AI SDK %i, tool-call ids reused across conversations',
  (major) => {
    it(`${RUNS} concurrent runs of different scripts (streamed and not): every record exact, none missing or split`, async () => {
      const { metrics, memory, diagnostics } = memoryMetrics();
      const middleware = aiSdkMiddleware({ metrics }); // the default idle window (60 s): failed runs must not wait for it
      const sdk = (major === 7 ? ai7 : ai6) as unknown as typeof ai7;
      const base =
        major === 7
          ? createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' }).chat('gpt-4o-mini')
          : (createOpenAIv3({ baseURL: server.openaiBaseUrl, apiKey: 'test' }).chat(
              'gpt-4o-mini',
            ) as unknown as ai7.LanguageModel);
      const model = sdk.wrapLanguageModel({ model: base as never, middleware: middleware as never });
      const tools = {
        add: sdk.tool({
          description: 'Adds',
          inputSchema: z.object({ a: z.number(), b: z.number() }),
          execute: async ({ a, b }: { a: number; b: number }) => a + b,
        }),
      };
      const telemetry = major === 7 ? { telemetry: { isEnabled: false } } : {};
      for (let i = 0; i < RUNS; i++) server.script(`g${major}-${i}`, scriptOf(i));
      const started = Date.now();
      await Promise.all(
        Array.from({ length: RUNS }, async (_, i) => {
          const options = {
            model,
            tools,
            stopWhen: sdk.stepCountIs(6),
            prompt: `script:g${major}-${i} add things`,
            ...telemetry,
          } as Parameters<typeof ai7.generateText>[0];
          if (i % 2 === 0) await sdk.generateText(options).catch(() => undefined);
          else await sdk.streamText({ ...options, onError: () => {} } as never).consumeStream();
        }),
      );
      // failed runs are reported once the SDK's retry is overdue (about a second), not after 60 s
      await memory.waitFor(RUNS, 10_000);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(diagnostics.filter((d) => d.startsWith('adapter.error') || d.startsWith('run.'))).toEqual([]);
      expect(memory.records).toHaveLength(RUNS);
      const seen = new Set<number>();
      for (const record of memory.records) {
        const metric = payload(record);
        const i = (metric.inputTokenCount ?? 0) % 1000;
        seen.add(i);
        const e = expected(i);
        expect({ run: i, ...metric }).toMatchObject({
          run: i,
          modelInvocationCount: e.calls,
          inputTokenCount: e.input,
          outputTokenCount: e.output,
          ...noErrors,
          modelInvocationThrottles: e.throttles,
          modelInvocationServerErrors: e.serverErrors,
          tools: [{ toolType: 'api', toolCalls: e.toolCalls, successCount: e.toolCalls, failureCount: 0 }],
        });
        expect(record.outcome).toBe(e.failed ? 'error' : 'success');
      }
      expect(seen.size).toBe(RUNS);
    }, 20_000);
  },
);
