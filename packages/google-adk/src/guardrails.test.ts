import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BasePlugin, type LlmResponse } from '@google/adk';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

const refusal: LlmResponse = { content: { role: 'model', parts: [{ text: 'I cannot help with that.' }] } };

/** A guardrail plugin placed after the metrics plugin: blocks the model when the message says "secret". */
class Guard extends BasePlugin {
  constructor() {
    super('guard');
  }
  override async beforeModelCallback({ llmRequest }: { llmRequest: { contents: unknown[] } }) {
    return JSON.stringify(llmRequest.contents).includes('secret') ? refusal : undefined;
  }
}

describe.each([false, true])('guardrails, sse=%s', (sse) => {
  it('an agent before-model callback that answers instead: a guardrail trip, no model call', async () => {
    const agent = newAgent(server, { beforeModelCallback: async () => refusal });
    const { events } = await runAgent(agent, [plugin], 'hi', { sse });
    expect(events.at(-1)?.content?.parts?.[0]?.text).toBe('I cannot help with that.');
    const record = onlyRecord(memory);
    expect(server.requests).toHaveLength(0);
    expect(record.summary.modelCalls).toBe(0);
    expect(record.summary.guardrailHits).toBe(1);
    expect(record.guardrailTrips[0]).toMatchObject({ name: 'model call', kind: 'before-model-callback' });
    expect(record.outcome).toBe('success');
  });

  it('a plugin after it that blocks the second model call: 1 model call, 1 tool, 1 trip', async () => {
    server.script([
      {
        toolCalls: [{ name: 'get_weather', arguments: { city: 'secret' } }],
        usage: { input: 10, output: 1 },
      },
    ]);
    await runAgent(newAgent(server, { tools: [getWeather] }), [plugin, new Guard()], 'weather?', { sse });
    const record = onlyRecord(memory);
    expect(server.requests).toHaveLength(1);
    expect(record.summary.modelCalls).toBe(1);
    expect(record.summary.usage).toMatchObject({ inputTokens: 10, outputTokens: 1 });
    expect(record.summary.tools.api.calls).toBe(1);
    expect(record.summary.guardrailHits).toBe(1);
  });
});

describe('plugin order', () => {
  it('after another plugin: a diagnostic says so; calls and usage still come from the callbacks', async () => {
    server.script([
      { error: { status: 429, retryAfter: 0 } },
      { text: 'ok', usage: { input: 50, output: 5 } },
    ]);
    const seen: Array<{ type: string }> = [];
    const own = newPlugin(memory, { diagnostics: (d: { type: string }) => seen.push(d) });
    await runAgent(newAgent(server, {}, 3), [new Guard(), own], 'hi');
    expect(seen.map((d) => d.type)).toContain('google-adk.plugin-not-first');
    const record = onlyRecord(memory);
    expect(server.requests).toHaveLength(2);
    // the retried 429 is inside the one call the callbacks saw
    expect(record.summary.modelCalls).toBe(1);
    expect(record.summary.usage).toMatchObject({ inputTokens: 50, outputTokens: 5 });
  });
});

describe('model safety', () => {
  it('an answer the safety filters stopped: a model call with its usage and a model-safety trip', async () => {
    // the testkit scripts no finish reasons: a minimal Gemini endpoint answering SAFETY
    const http = createServer((req, res) => {
      req.resume();
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          candidates: [{ finishReason: 'SAFETY', index: 0 }],
          usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 0, totalTokenCount: 40 },
        }),
      );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      await runAgent(newAgent({ url } as ModelServer), [plugin], 'hi');
      const record = onlyRecord(memory);
      expect(record.summary.modelCalls).toBe(1);
      expect(record.summary.usage).toMatchObject({ inputTokens: 40, outputTokens: 0 });
      expect(record.guardrailTrips).toMatchObject([{ name: 'SAFETY', kind: 'model-safety' }]);
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
