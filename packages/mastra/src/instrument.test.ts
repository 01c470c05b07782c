import { Agent } from '@mastra/core/agent';
import { noopLogger } from '@mastra/core/logger';
import { Mastra } from '@mastra/core/mastra';
import { Observability } from '@mastra/observability';
import { InMemoryExporter } from '@metrics/core/testing';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { MetricsExporter } from './mastra-exporter.js';
import { instrumentAgent, withMetrics } from './standalone.js';

/** Replacing what the user owns is explicit and reversible (issue 17). */

function mockModel(): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    modelId: 'mock',
    doGenerate: async () => ({
      content: [{ type: 'text', text: 'hi' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: 7, noCache: 7, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 2, text: 2, reasoning: 0 },
      },
      warnings: [],
    }),
  });
}

function newAgent(model: MockLanguageModelV4): Agent {
  const agent = new Agent({
    id: 'a',
    name: 'a',
    instructions: 'x',
    model: model as unknown as Agent['model'],
  });
  agent.__setLogger(noopLogger);
  return agent;
}

describe('instrumentAgent', () => {
  it('records each call until uninstrument(), which puts generate, stream and model back', async () => {
    const records = new InMemoryExporter();
    const model = mockModel();
    const agent = newAgent(model);
    const own = { generate: agent.generate, stream: agent.stream, model: agent.model };
    const hadOwn = [Object.hasOwn(agent, 'generate'), Object.hasOwn(agent, 'stream')];
    const handle = instrumentAgent(agent, { exporters: [records], logger: false });
    expect(handle.agent).toBe(agent);
    expect(agent.generate).not.toBe(own.generate);
    expect(agent.model).not.toBe(own.model);
    expect(instrumentAgent(agent)).toBe(handle);
    expect(withMetrics(agent)).toBe(agent);

    await agent.generate('one');
    const [record] = await records.waitFor(1);
    expect(record?.modelCalls).toHaveLength(1);
    expect(record?.summary.usage?.inputTokens).toBe(7);

    handle.uninstrument();
    expect(agent.generate).toBe(own.generate);
    expect(agent.stream).toBe(own.stream);
    expect(agent.model).toBe(own.model);
    expect([Object.hasOwn(agent, 'generate'), Object.hasOwn(agent, 'stream')]).toEqual(hadOwn);
    await agent.generate('two');
    await handle.flush();
    expect(records.records).toHaveLength(1);
    expect(model.doGenerateCalls).toHaveLength(2);
    // instrumenting again works (a new handle)
    expect(instrumentAgent(agent, { exporters: [records], logger: false })).not.toBe(handle);
  });
});

describe('MetricsExporter', () => {
  it("wraps the registered agents' models to see each attempt; shutdown() puts them back", async () => {
    const records = new InMemoryExporter();
    const model = mockModel();
    const exporter = new MetricsExporter({ exporters: [records], logger: false });
    const mastra = new Mastra({
      agents: { a: newAgent(model) },
      observability: new Observability({ configs: { default: { serviceName: 't', exporters: [exporter] } } }),
      logger: false,
    });
    const agent = mastra.getAgent('a');
    expect(agent.model).not.toBe(model);
    await agent.generate('one');
    const [record] = await records.waitFor(1);
    expect(record?.modelCalls).toHaveLength(1);
    expect(record?.summary.usage?.inputTokens).toBe(7);
    await exporter.shutdown();
    expect(agent.model).toBe(model);
  });

  it('observeModels: false leaves every agent untouched', () => {
    const model = mockModel();
    const exporter = new MetricsExporter({ logger: false, observeModels: false });
    const mastra = new Mastra({
      agents: { a: newAgent(model) },
      observability: new Observability({ configs: { default: { serviceName: 't', exporters: [exporter] } } }),
      logger: false,
    });
    expect(mastra.getAgent('a').model).toBe(model);
    void exporter.shutdown();
  });
});
