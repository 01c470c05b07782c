// A metered model's call is the attempt scope of the model's own work only: the caller's code that
// runs beside it (here a tool that calls the model and, in parallel, makes a request of its own)
// must not have its requests counted as the call's attempts. The tool's own request fails with a
// 500: had it been taken for an attempt, the model call would count a failed try and a server error.
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { Agent, type ModelRequest, OpenAIChatCompletionsModel, Runner, tool } from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { instrumentRunner, meterModel } from './index.js';

let server: ModelServer;
let client: OpenAI;
const memory = new InMemoryExporter();

beforeAll(async () => {
  server = await startModelServer();
  client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test', maxRetries: 0 });
});
afterAll(async () => {
  await server?.close();
});

it("the caller's request made beside a metered call is not one of its attempts", async () => {
  server.script('outer', [
    { toolCalls: [{ name: 'side_by_side', arguments: { q: 'x' } }], usage: { input: 10, output: 2 } },
    { text: 'done', usage: { input: 20, output: 3 } },
  ]);
  server.script('inner', [{ text: 'inner answer', usage: { input: 5, output: 1 } }]);
  server.script('side', [{ error: { status: 500, message: 'side failed' } }]);
  const inner = meterModel(new OpenAIChatCompletionsModel(client, 'gpt-4o'));
  const request = {
    input: 'script:inner',
    modelSettings: {},
    tools: [],
    outputType: 'text',
    handoffs: [],
    tracing: false,
  } as unknown as ModelRequest;
  const sideBySide = tool({
    name: 'side_by_side',
    description: 'asks a model while making a request of its own',
    parameters: z.object({ q: z.string() }),
    execute: async () => {
      const [answer, side] = await Promise.all([
        inner.getResponse(request),
        client.chat.completions
          .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'script:side' }] })
          .then(
            () => 'ok',
            (error: { status?: number }) => `failed ${error.status}`,
          ),
      ]);
      return `${answer.output.length} ${side}`;
    },
  });
  const runner = new Runner({ tracingDisabled: true });
  const instrumentation = instrumentRunner(runner, { exporters: [memory], logger: false });
  const agent = new Agent({
    name: 'outer',
    instructions: 'x',
    model: new OpenAIChatCompletionsModel(client, 'gpt-4o'),
    tools: [sideBySide],
  });
  expect((await runner.run(agent, 'go script:outer')).finalOutput).toBe('done');
  instrumentation.uninstrument();
  const [record] = await memory.waitFor(1);
  expect(record!.modelCalls.map((call) => [call.attempt, call.outcome, call.status])).toEqual([
    [1, 'success', undefined],
    [1, 'success', undefined],
    [1, 'success', undefined],
  ]);
  expect(record!.summary.usage).toMatchObject({ inputTokens: 35, outputTokens: 6 });
  expect(server.pending()).toEqual({});
});
