import { FunctionTool } from '@google/adk';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InMemoryExporter, getWeather, newAgent, newPlugin, onlyRecord, runAgent } from './test-helpers.js';

let server: ModelServer;
const memory = new InMemoryExporter();
const plugin = newPlugin(memory);

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
  memory.records.length = 0;
});

describe.each([false, true])('sse=%s', (sse) => {
  it('a plain run is one record: one model call, its usage, the ADK session id kept', async () => {
    server.script([{ text: 'Hello there friend', usage: { input: 120, output: 12 } }]);
    const { sessionId } = await runAgent(newAgent(server), [plugin], 'hi', { sse });
    const record = onlyRecord(memory);
    expect(record.providerType).toBe('GOOGLE_AGENT_DEVELOPMENT_KIT');
    expect(record.outcome).toBe('success');
    expect(record.name).toBe('assistant');
    expect(record.sessionId).toBe(sessionId);
    expect(record.summary.modelCalls).toBe(1);
    expect(record.summary.usage).toMatchObject({ inputTokens: 120, outputTokens: 12, totalTokens: 132 });
    expect(record.modelCalls[0]).toMatchObject({
      model: 'gemini-2.5-flash',
      streamed: sse,
      outcome: 'success',
    });
    expect(record.modelCalls[0]?.firstTokenAt !== undefined).toBe(sse);
    expect(server.requests).toHaveLength(1);
  });

  it('a tool step: 2 model calls, 1 api tool, usage summed once each', async () => {
    server.script([
      {
        toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }],
        usage: { input: 100, output: 10 },
      },
      { text: 'It is sunny in Oslo', usage: { input: 300, output: 30 } },
    ]);
    await runAgent(newAgent(server, { tools: [getWeather] }), [plugin], 'weather?', { sse });
    const record = onlyRecord(memory);
    expect(record.summary.modelCalls).toBe(2);
    expect(record.summary.usage).toMatchObject({ inputTokens: 400, outputTokens: 40 });
    expect(record.summary.tools.api).toMatchObject({ calls: 1, failure: 0 });
    expect(record.toolCalls[0]).toMatchObject({ name: 'get_weather', type: 'api', outcome: 'success' });
  });
});

describe('SSE streaming', () => {
  it('text, then a function call in one streamed answer: one model call with the last usage, timed before the tool', async () => {
    server.script([
      {
        text: 'Let me check the weather',
        toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }],
        usage: { input: 100, output: 10 },
      },
      { text: 'Sunny', usage: { input: 300, output: 30 } },
    ]);
    const slowWeather = new FunctionTool({
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        return { forecast: `sunny in ${city}` };
      },
    });
    await runAgent(newAgent(server, { tools: [slowWeather] }), [plugin], 'weather?', { sse: true });
    const record = onlyRecord(memory);
    expect(record.summary.modelCalls).toBe(2);
    expect(record.modelCalls.map((c) => c.usage?.inputTokens)).toEqual([100, 300]);
    expect(record.summary.usage).toMatchObject({ inputTokens: 400, outputTokens: 40 });
    const [first] = record.modelCalls;
    const tool = record.toolCalls[0];
    expect(first?.firstTokenAt).toBeDefined();
    // the answer ended before the tool started, although the ADK reports its aggregate after the tool
    expect(first?.endedAt).toBeLessThanOrEqual(tool?.startedAt ?? 0);
    expect(tool?.endedAt ?? 0).toBeGreaterThanOrEqual((tool?.startedAt ?? 0) + 140);
  });
});
