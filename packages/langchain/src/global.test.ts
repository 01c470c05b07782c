import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { createAgent } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGlobalHandler } from './global.js';
import { MetricsCallbackHandler } from './handler.js';
import { openai, payload, weather } from './test-helpers.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});

describe('registerGlobalHandler', () => {
  it('records every run without per-call callbacks, and a run that also passes it counts once', async () => {
    const exporter = new InMemoryExporter();
    const handler = new MetricsCallbackHandler({ exporters: [exporter], logger: false });
    const unregister = registerGlobalHandler(handler);
    const agent = createAgent({ model: openai(server), tools: [weather] });
    for (const [i, key] of ['global-a', 'global-b'].entries()) {
      server.script(key, [
        {
          toolCalls: [{ name: 'weather', arguments: { city: 'Riga' }, id: `${key}-1` }],
          usage: { input: 5, output: 2 },
        },
        { text: 'ok', usage: { input: 9, output: 1 } },
      ]);
      await agent.invoke(
        { messages: [{ role: 'user', content: `script:${key} go` }] },
        i === 1 ? { callbacks: [handler] } : {},
      );
    }
    expect(exporter.records).toHaveLength(2);
    for (const record of exporter.records)
      expect(payload(record)).toMatchObject({
        inputTokenCount: 14,
        outputTokenCount: 3,
        modelInvocationCount: 2,
        tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
      });
    // taken away again: later runs are not recorded
    unregister();
    server.script('global-c', [{ text: 'ok' }]);
    await agent.invoke({ messages: [{ role: 'user', content: 'script:global-c go' }] });
    expect(exporter.records).toHaveLength(2);
  });
});

describe('registerGlobalHandler from an awaited async setup function', () => {
  it('records the runs started later from any async context', async () => {
    const exporter = new InMemoryExporter();
    const handler = new MetricsCallbackHandler({ exporters: [exporter], logger: false });
    // a typical start-up: registration inside an async function the application awaits
    const setup = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return registerGlobalHandler(handler);
    };
    const unregister = await setup();
    const agent = createAgent({ model: openai(server), tools: [weather] });
    const keys = ['later-a', 'later-b', 'later-c'];
    for (const key of keys) server.script(key, [{ text: 'ok', usage: { input: 4, output: 2 } }]);
    // each run from a fresh async context (timers), none of them under the setup's context
    await Promise.all(
      keys.map(
        (key) =>
          new Promise((resolve, reject) =>
            setTimeout(() => {
              agent
                .invoke({ messages: [{ role: 'user', content: `script:${key} go` }] })
                .then(resolve, reject);
            }, 1),
          ),
      ),
    );
    expect(exporter.records).toHaveLength(3);
    for (const record of exporter.records)
      expect(payload(record)).toMatchObject({
        inputTokenCount: 4,
        outputTokenCount: 2,
        modelInvocationCount: 1,
      });
    unregister();
  });
});
