import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Settings as CoreSettings } from '@llamaindex/core/global';
import { RetrieverQueryEngine } from '@llamaindex/core/query-engine';
import { getResponseSynthesizer } from '@llamaindex/core/response-synthesizers';
import { BaseRetriever } from '@llamaindex/core/retriever';
import { TextNode } from '@llamaindex/core/schema';
import { OpenAIResponses } from '@llamaindex/openai';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { Settings as LlamaindexSettings, SimpleChatEngine, ToolCallLLM } from 'llamaindex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llamaindexMetrics } from './index.js';
import { InMemoryExporter } from '@metrics/core/testing';
import { add, expectPayload, explode, openai, payload, setup } from './test-helpers.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

describe('chat engines and direct LLM calls (metrics.run)', () => {
  it('the install has two @llamaindex/core copies: llamaindex@0.12.1 pins 0.6.22, @llamaindex/openai uses 0.6.23', async () => {
    const version = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    expect(version(nestedCoreDir())).toBe('0.6.22');
    const require = createRequire(import.meta.url);
    expect(version(join(dirname(require.resolve('@llamaindex/core/global')), '../..'))).toBe('0.6.23');
    expect(LlamaindexSettings.callbackManager).not.toBe(CoreSettings.callbackManager);
  });

  it('a chat engine from `llamaindex` with an @llamaindex/openai LLM, not streamed: events are received', async () => {
    const { exporter, metrics, diagnostics } = setup();
    const engine = new SimpleChatEngine({ llm: metrics.instrument(openai(server.openaiBaseUrl)) });
    server.script('chat', [
      { text: 'Hello there.', usage: { input: 42, output: 7, cached: 10, reasoning: 2 } },
    ]);
    const answer = await metrics.run(() => engine.chat({ message: 'script:chat hi' }), {
      sessionId: 'conv-1',
    });
    expect(answer.message.content).toBe('Hello there.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), { input: 42, output: 7, calls: 1, streamed: false });
    expect(record?.sessionId).toBe('conv-1');
    expect(record?.summary.usage).toMatchObject({ cacheReadTokens: 10, reasoningTokens: 2 });
    expect(record?.modelCalls[0]?.model).toBe('gpt-4o-mini');
    expect(diagnostics.filter((d) => d.type === 'llamaindex.events-not-received')).toEqual([]);
  });

  it('a streamed chat engine call: the record ends when the stream is consumed, usage from the last chunk', async () => {
    const { exporter, metrics } = setup();
    const engine = new SimpleChatEngine({ llm: openai(server.openaiBaseUrl) });
    server.script('stream', [{ text: 'one two three', usage: { input: 25, output: 3 }, chunkDelayMs: 5 }]);
    const stream = await metrics.run(() => engine.chat({ message: 'script:stream count', stream: true }));
    expect(exporter.records).toHaveLength(0);
    let text = '';
    for await (const chunk of stream) text += chunk.delta;
    expect(text).toBe('one two three');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), { input: 25, output: 3, calls: 1, streamed: true });
    const body = server.requests.find((r) => r.scriptKey === 'stream')?.body as { stream_options?: unknown };
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it('a plain llm.chat() call, not streamed, with usage', async () => {
    const { exporter, metrics } = setup();
    const llm = openai(server.openaiBaseUrl);
    server.script('plain', [{ text: 'Plain.', usage: { input: 9, output: 1 } }]);
    const response = await metrics.run(() =>
      llm.chat({ messages: [{ role: 'user', content: 'script:plain hi' }] }),
    );
    expect(response.message.content).toBe('Plain.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), { input: 9, output: 1, calls: 1, streamed: false });
  });

  it('handlers the user registered on the global callback manager still receive every event', async () => {
    const { exporter, metrics } = setup();
    const seen: string[] = [];
    const onStart = () => seen.push('llm-start');
    const onEnd = () => seen.push('llm-end');
    CoreSettings.callbackManager.on('llm-start', onStart).on('llm-end', onEnd);
    try {
      server.script('fwd', [{ text: 'Yes.', usage: { input: 3, output: 1 } }]);
      await metrics.run(() =>
        openai(server.openaiBaseUrl).chat({ messages: [{ role: 'user', content: 'script:fwd' }] }),
      );
      await exporter.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(seen).toEqual(['llm-start', 'llm-end']);
    } finally {
      CoreSettings.callbackManager.off('llm-start', onStart).off('llm-end', onEnd);
    }
  });
});

/** The folder of the @llamaindex/core copy that `llamaindex` itself depends on. */
function nestedCoreDir(): string {
  const require = createRequire(import.meta.url);
  const nested = createRequire(require.resolve('llamaindex'));
  return join(dirname(nested.resolve('@llamaindex/core/global')), '../..');
}

/** An LLM built on the other core copy (the one `llamaindex` pins), calling the model server over HTTP. */
async function legacyLLM(baseURL: string) {
  const coreDir = nestedCoreDir();
  const { wrapLLMEvent } = (await import(pathToFileURL(join(coreDir, 'decorator/dist/index.js')).href)) as {
    wrapLLMEvent: (fn: (...args: never[]) => unknown, context: object) => (...args: unknown[]) => unknown;
  };
  class LegacyLLM extends ToolCallLLM {
    supportToolCall = true;
    metadata = {
      model: 'legacy-model',
      temperature: 0,
      topP: 1,
      contextWindow: 8000,
      tokenizer: undefined,
      structuredOutput: false,
    };
    private readonly wrapped = wrapLLMEvent(this.send.bind(this) as never, {});
    chat(params: any): any {
      return this.wrapped(params);
    }
    async send(params: { messages: Array<{ role: string; content: unknown }> }) {
      const res = await fetch(`${baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer test' },
        body: JSON.stringify({ model: 'legacy-model', messages: params.messages }),
      });
      const raw = (await res.json()) as { choices: Array<{ message: { content: string } }> };
      return { message: { role: 'assistant', content: raw.choices[0]?.message.content ?? '' }, raw };
    }
  }
  return new LegacyLLM();
}

describe('query engines', () => {
  it('a RetrieverQueryEngine query (retrieval + synthesis) is one record with its model call', async () => {
    const { exporter, metrics } = setup();
    class FixedRetriever extends BaseRetriever {
      // biome-ignore lint/complexity/noUselessConstructor: makes BaseRetriever's protected constructor public
      constructor() {
        super();
      }
      async _retrieve() {
        return [{ node: new TextNode({ text: 'Llamas live in the Andes.' }), score: 1 }];
      }
    }
    const llm = openai(server.openaiBaseUrl);
    const engine = new RetrieverQueryEngine(new FixedRetriever(), getResponseSynthesizer('compact', { llm }));
    server.script('query', [{ text: 'In the Andes.', usage: { input: 140, output: 5, cached: 128 } }]);
    const response = await metrics.run(() => engine.query({ query: 'script:query where do llamas live?' }));
    expect(response.message.content).toBe('In the Andes.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), { input: 140, output: 5, calls: 1, streamed: false });
    expect(record?.summary.usage?.cacheReadTokens).toBe(128);
    const body = server.requests.find((r) => r.scriptKey === 'query')?.body as {
      messages: Array<{ content: string }>;
    };
    expect(JSON.stringify(body.messages)).toContain('Llamas live in the Andes.');
  });
});

describe('LLMs that emit no llm-* events', () => {
  it('OpenAIResponses, instrumented: the wrapper records the call, usage from the raw response', async () => {
    const { exporter, metrics, diagnostics } = setup();
    const llm = metrics.instrument(
      new OpenAIResponses({
        baseURL: server.openaiBaseUrl,
        apiKey: 'test',
        model: 'gpt-4o-mini',
        maxRetries: 0,
      }),
    );
    server.script('responses', [
      { text: 'Via responses.', usage: { input: 26, output: 6, cached: 6, reasoning: 2 } },
    ]);
    const response = await metrics.run(() =>
      llm.chat({ messages: [{ role: 'user', content: 'script:responses hi' }] }),
    );
    expect(response.message.content).toBe('Via responses.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), { input: 26, output: 6, calls: 1, streamed: false });
    expect(record?.summary.usage).toMatchObject({ cacheReadTokens: 6, reasoningTokens: 2 });
    expect(diagnostics.map((d) => d.type)).toContain('llamaindex.events-not-received');
  });
});

describe('duplicate @llamaindex/core copies', () => {
  it('an LLM reporting to the other copy: the wrapper still records it and a diagnostic says what to fix', async () => {
    const { exporter, metrics, diagnostics } = setup();
    const llm = metrics.instrument(await legacyLLM(server.openaiBaseUrl));
    server.script('dup', [{ text: 'From the other copy.', usage: { input: 14, output: 4 } }]);
    await metrics.run(() => llm.chat({ messages: [{ role: 'user', content: 'script:dup hi' }] }));
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), { input: 14, output: 4, calls: 1, streamed: false });
    const warning = diagnostics.find((d) => d.type === 'llamaindex.events-not-received');
    expect(warning?.message).toContain('new MetricsCallbackManager({ settings: [Settings] })');
    expect(warning?.message).toContain('overrides');
  });

  it('with `settings: [Settings]` from `llamaindex`, that copy’s events are received (counted once)', async () => {
    const exporter = new InMemoryExporter();
    const diagnostics: string[] = [];
    const metrics = llamaindexMetrics({
      exporters: [exporter],
      settings: [LlamaindexSettings],
      logger: false,
      diagnostics: (event) => diagnostics.push(event.type),
    });
    const llm = metrics.instrument(await legacyLLM(server.openaiBaseUrl));
    server.script('dup2', [{ text: 'Received.', usage: { input: 15, output: 5 } }]);
    await metrics.run(() => llm.chat({ messages: [{ role: 'user', content: 'script:dup2 hi' }] }));
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), { input: 15, output: 5, calls: 1, streamed: false });
    expect(diagnostics).not.toContain('llamaindex.events-not-received');
  });

  it('an agent() from the workflow copy `llamaindex` pins: tools come from that core copy’s callbacks', async () => {
    const require = createRequire(import.meta.url);
    const nested = createRequire(require.resolve('llamaindex'));
    const workflowDir = join(dirname(nested.resolve('@llamaindex/workflow')), '..');
    expect(JSON.parse(readFileSync(join(workflowDir, 'package.json'), 'utf8')).version).toBe('1.1.24');
    const { agent: nestedAgent } = (await import(pathToFileURL(join(workflowDir, 'dist/index.js')).href)) as {
      agent: typeof import('@llamaindex/workflow').agent;
    };
    const exporter = new InMemoryExporter();
    const diagnostics: string[] = [];
    const metrics = llamaindexMetrics({
      exporters: [exporter],
      settings: [LlamaindexSettings],
      logger: false,
      diagnostics: (event) => diagnostics.push(event.type),
    });
    const myAgent = metrics.instrument(
      nestedAgent({ llm: openai(server.openaiBaseUrl), tools: [add, explode] }),
    );
    server.script('nested-wf', [
      {
        toolCalls: [
          { name: 'add', arguments: { a: 1, b: 2 }, id: 'n1' },
          { name: 'explode', arguments: {}, id: 'n2' },
        ],
        usage: { input: 12, output: 3 },
      },
      { text: 'Three, and one failure.', usage: { input: 18, output: 5 } },
    ]);
    const result = await myAgent.run('script:nested-wf go');
    expect(result.data.result).toBe('Three, and one failure.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 30,
      output: 8,
      calls: 2,
      streamed: true,
      tools: [{ toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 }],
    });
    expect(diagnostics).toContain('llamaindex.workflow-events-not-received');
  });
});
