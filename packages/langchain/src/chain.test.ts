import { ChatPromptTemplate } from '@langchain/core/prompts';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsCallbackHandler } from './handler.js';
import { openai, payload } from './test-helpers.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});

function setup() {
  const exporter = new InMemoryExporter();
  const handler = new MetricsCallbackHandler({ exporters: [exporter], logger: false });
  return { exporter, handler };
}

describe('ChatOpenAI chain', () => {
  const prompt = ChatPromptTemplate.fromMessages([['human', 'script:{key} {question}']]);

  it('records a plain invoke with cached and reasoning tokens, unstreamed', async () => {
    const { exporter, handler } = setup();
    server.script('chain-plain', [
      { text: 'Paris.', usage: { input: 120, output: 30, cached: 100, reasoning: 12 } },
    ]);
    const chain = prompt.pipe(openai(server));
    const answer = await chain.invoke(
      { key: 'chain-plain', question: 'Capital of France?' },
      { callbacks: [handler] },
    );
    expect(answer.content).toBe('Paris.');
    expect(exporter.records).toHaveLength(1);
    const record = exporter.records[0];
    const p = payload(record);
    expect(p).toMatchObject({
      providerType: 'LANGCHAIN',
      extModelId: 'gpt-4o-mini',
      inputTokenCount: 120,
      outputTokenCount: 30,
      modelInvocationCount: 1,
      ttft: 0,
      modelInvocationThrottles: 0,
      modelInvocationClientErrors: 0,
      modelInvocationServerErrors: 0,
      modelInvocationUnknownErrors: 0,
      invocationClientErrors: 0,
      invocationServerErrors: 0,
      guardrailHits: 0,
    });
    expect(p.tools).toBeUndefined();
    expect(p.modelLatency).toBeGreaterThan(0);
    expect(p.modelLatency).toBeLessThanOrEqual(p.totalTime as number);
    expect(record?.summary.usage).toMatchObject({ cacheReadTokens: 100, reasoningTokens: 12 });
  });

  it('records a streamed chain with ttft from the first token', async () => {
    const { exporter, handler } = setup();
    server.script('chain-stream', [
      { text: 'Streaming words here.', usage: { input: 40, output: 9 }, firstChunkDelayMs: 30 },
    ]);
    const chain = prompt.pipe(openai(server));
    let text = '';
    for await (const chunk of await chain.stream(
      { key: 'chain-stream', question: 'Say something' },
      { callbacks: [handler] },
    ))
      text += chunk.content;
    expect(text).toBe('Streaming words here.');
    expect(exporter.records).toHaveLength(1);
    const p = payload(exporter.records[0]);
    expect(p).toMatchObject({ inputTokenCount: 40, outputTokenCount: 9, modelInvocationCount: 1 });
    expect(p.ttft).toBeGreaterThanOrEqual(25);
    expect(p.ttft).toBeLessThanOrEqual(p.totalTime as number);
    expect(p.modelLatency).toBeLessThanOrEqual(p.totalTime as number);
  });

  it('a model invoked on its own is one record', async () => {
    const { exporter, handler } = setup();
    server.script('bare-model', [{ text: 'hi', usage: { input: 3, output: 1 } }]);
    await openai(server).invoke('script:bare-model hello', { callbacks: [handler] });
    expect(payload(exporter.records[0])).toMatchObject({
      providerType: 'LANGCHAIN',
      inputTokenCount: 3,
      outputTokenCount: 1,
      modelInvocationCount: 1,
    });
  });
});
