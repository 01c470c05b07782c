// MetricsTracingProcessor registered as the README does, `addTraceProcessor` after the SDK's own
// exporter: the SDK awaits each processor's `onSpanStart` in turn, so ours runs a microtask after the
// span started, in an async context the model's HTTP requests do not share. A 429 the client
// retried must still count both attempts. The SDK's exporter is stood in for by a processor that
// does nothing (nothing leaves the process).
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import {
  Agent,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  Runner,
  setTraceProcessors,
  setTracingDisabled,
  type TracingProcessor,
} from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsTracingProcessor } from './index.js';

let server: ModelServer;
let client: OpenAI;
const memory = new InMemoryExporter();
const processor = new MetricsTracingProcessor({ exporters: [memory], logger: false });
const first: TracingProcessor = {
  async onTraceStart() {},
  async onTraceEnd() {},
  async onSpanStart() {},
  async onSpanEnd() {},
  async shutdown() {},
  async forceFlush() {},
};

beforeAll(async () => {
  server = await startModelServer();
  client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' }); // default retries: 2
  setTraceProcessors([first, processor]);
  setTracingDisabled(false);
});
afterAll(async () => {
  setTracingDisabled(true);
  setTraceProcessors([]);
  await server?.close();
});

describe.each([
  ['OpenAIChatCompletionsModel', () => new OpenAIChatCompletionsModel(client, 'gpt-4o')],
  ['OpenAIResponsesModel', () => new OpenAIResponsesModel(client, 'gpt-4.1')],
] as const)('%s, after another processor', (_kind, makeModel) => {
  it('a 429 the client retried: 2 model calls, 1 throttle', async () => {
    server.script('t429', [
      { error: { status: 429, message: 'slow down', retryAfter: 0 } },
      { text: 'ok', usage: { input: 7, output: 2 } },
    ]);
    const agent = new Agent({ name: 'throttled', instructions: 'x', model: makeModel() });
    expect((await new Runner().run(agent, 'hi script:t429')).finalOutput).toBe('ok');
    const [record] = await memory.waitFor(1);
    memory.reset();
    expect(record!.modelCalls.map((c) => [c.attempt, c.outcome, c.status])).toEqual([
      [1, 'error', 429],
      [2, 'success', undefined],
    ]);
    expect(server.pending()).toEqual({});
    server.reset();
  });
});
