// MetricsTracingProcessor's attempt-log resolver is process-wide and asked first (registered first).
// For a span of its run that is not a model request, it must leave the request to the other
// resolvers of the process: here a tool's span, whose tool calls a model through its own client, a
// model call that another adapter (a callback-only framework's, standing in with its own async
// context) records. Before, the processor answered "not a model attempt" and that call lost the
// 429 its client retried.
import { AsyncLocalStorage } from 'node:async_hooks';
import { AttemptLog, addAttemptLogResolver } from '@metrics/core/adapter';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import {
  Agent,
  OpenAIChatCompletionsModel,
  Runner,
  setTraceProcessors,
  setTracingDisabled,
  tool,
} from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { MetricsTracingProcessor } from './index.js';

let server: ModelServer;
let client: OpenAI;
const memory = new InMemoryExporter();
const processor = new MetricsTracingProcessor({ exporters: [memory], logger: false });
// the other adapter: its model calls are the contexts its storage holds a log in
const otherCalls = new AsyncLocalStorage<AttemptLog>();
const removeOther = addAttemptLogResolver(() => otherCalls.getStore());

beforeAll(async () => {
  server = await startModelServer();
  client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' }); // default retries: 2
  setTraceProcessors([processor]);
  setTracingDisabled(false);
});
afterAll(async () => {
  removeOther();
  setTracingDisabled(true);
  setTraceProcessors([]);
  await server?.close();
});

it("a model call inside a tool's span goes to the resolver that knows it", async () => {
  server.script('outer', [
    { toolCalls: [{ name: 'ask_other', arguments: { q: 'x' } }], usage: { input: 10, output: 2 } },
    { text: 'done', usage: { input: 20, output: 3 } },
  ]);
  server.script('inner', [
    { error: { status: 429, message: 'slow down', retryAfter: 0 } },
    { text: 'inner answer', usage: { input: 5, output: 1 } },
  ]);
  const otherLog = new AttemptLog();
  const askOther = tool({
    name: 'ask_other',
    description: 'asks another model',
    parameters: z.object({ q: z.string() }),
    execute: async () => {
      const answer = await otherCalls.run(otherLog, () =>
        client.chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'script:inner' }],
        }),
      );
      return answer.choices[0]?.message.content ?? '';
    },
  });
  const agent = new Agent({
    name: 'outer',
    instructions: 'x',
    model: new OpenAIChatCompletionsModel(client, 'gpt-4o'),
    tools: [askOther],
  });
  expect((await new Runner().run(agent, 'go script:outer')).finalOutput).toBe('done');
  const [record] = await memory.waitFor(1);
  expect(otherLog.attempts().map((attempt) => attempt.status)).toEqual([429, 200]);
  expect(record!.modelCalls.map((call) => [call.attempt, call.outcome])).toEqual([
    [1, 'success'],
    [1, 'success'],
  ]);
  expect(record!.toolCalls.map((call) => [call.name, call.outcome])).toEqual([['ask_other', 'success']]);
  expect(server.pending()).toEqual({});
});
