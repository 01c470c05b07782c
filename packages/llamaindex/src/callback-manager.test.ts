import { Settings } from '@llamaindex/core/global';
import { OpenAI } from '@llamaindex/openai';
import { agent } from '@llamaindex/workflow';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MetricsCallbackManager, mcpTools } from './index.js';
import { add, expectPayload, explode, openai, payload, startMcp } from './test-helpers.js';

/**
 * The registration on LlamaIndex's own slot: `Settings.callbackManager = new MetricsCallbackManager(...)`,
 * nothing of the user's replaced (agents and LLMs as built), real HTTP against the testkit.
 */
const UNHANDLED = 'llamaindex-unhandled';
const DEFAULT_RETRIES = 10;

let server: ModelServer;
let mcp: Awaited<ReturnType<typeof startMcp>>;
const before = Settings.callbackManager;

beforeAll(async () => {
  server = await startModelServer();
  mcp = await startMcp();
});
afterEach(() => {
  Settings.callbackManager = before;
});
afterAll(async () => {
  await mcp.close();
  await server.close();
});

function install(options: { openRunTimeoutMs?: number; exporters?: InMemoryExporter[] } = {}) {
  const exporter = new InMemoryExporter();
  const diagnostics: Array<{ type: string; message: string }> = [];
  const manager = new MetricsCallbackManager({
    exporters: options.exporters ?? [exporter],
    logger: false,
    diagnostics: (event) => diagnostics.push(event),
    ...(options.openRunTimeoutMs ? { openRunTimeoutMs: options.openRunTimeoutMs } : {}),
  });
  Settings.callbackManager = manager;
  return { exporter, manager, diagnostics };
}

/** An LLM with the client's defaults (10 retries), as a user builds it. */
function defaultsLLM() {
  return new OpenAI({
    model: 'gpt-4o-mini',
    baseURL: server.openaiBaseUrl,
    apiKey: 'test',
    additionalChatOptions: { stream_options: { include_usage: true } },
  });
}

describe('Settings.callbackManager = new MetricsCallbackManager(...)', () => {
  it('a tool loop with an api tool and a real MCP server tool: one exact record, the agent untouched', async () => {
    const { exporter } = install();
    const llm = openai(server.openaiBaseUrl);
    const chat = llm.chat;
    const lookup = await mcpTools(mcp.client);
    const myAgent = agent({ llm, tools: [add, ...lookup] });
    server.script('cm-loop', [
      {
        toolCalls: [
          { name: 'add', arguments: { a: 2, b: 3 }, id: 'c1' },
          { name: 'lookup', arguments: { word: 'llama' }, id: 'c2' },
        ],
        usage: { input: 120, output: 30 },
      },
      { text: 'Five, and a llama.', usage: { input: 200, output: 25 } },
    ]);
    const result = await myAgent.run('script:cm-loop go');
    expect(result.data.result).toBe('Five, and a llama.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 320,
      output: 55,
      calls: 2,
      streamed: true,
      tools: [
        { toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ],
    });
    expect(llm.chat).toBe(chat);
    expect(Object.hasOwn(myAgent, 'run')).toBe(false);
  });

  it('a tool that throws is one failed tool call; the run goes on', async () => {
    const { exporter } = install();
    server.script('cm-explode', [
      { toolCalls: [{ name: 'explode', arguments: {}, id: 'x1' }], usage: { input: 40, output: 6 } },
      { text: 'It failed.', usage: { input: 60, output: 3 } },
    ]);
    await agent({ llm: openai(server.openaiBaseUrl), tools: [explode] }).run('script:cm-explode go');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 100,
      output: 9,
      calls: 2,
      streamed: true,
      tools: [{ toolType: 'api', toolCalls: 1, successCount: 0, failureCount: 1 }],
    });
  });

  it('429 then success, client retries at their defaults: 2 model calls, 1 throttle', async () => {
    const { exporter } = install();
    server.script('cm-429', [
      { error: { status: 429, message: 'slow down', retryAfter: 0 } },
      { text: 'Done.', usage: { input: 33, output: 4 } },
    ]);
    await agent({ llm: defaultsLLM(), tools: [add] }).run('script:cm-429 hi');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 33,
      output: 4,
      calls: 2,
      streamed: true,
      errors: { modelInvocationThrottles: 1 },
    });
    expect(record?.outcome).toBe('success');
  });

  it(`5xx until the client gives up: the run never settles; once silent for openRunTimeoutMs its record has ${DEFAULT_RETRIES + 1} failed model calls`, async () => {
    const { exporter, diagnostics } = install({ openRunTimeoutMs: 2_000 });
    server.script(
      'cm-500',
      Array.from({ length: DEFAULT_RETRIES + 1 }, () => ({
        error: { status: 500, message: `down ${UNHANDLED}`, retryAfter: 0.01 },
      })),
    );
    let settled = false;
    agent({ llm: defaultsLLM(), tools: [add] })
      .run('script:cm-500 hi')
      .then(
        () => (settled = true),
        () => (settled = true),
      );
    const [record] = await exporter.waitFor(1, 20_000);
    expect(settled).toBe(false);
    expectPayload(payload(record), {
      input: 0,
      output: 0,
      calls: DEFAULT_RETRIES + 1,
      streamed: false,
      errors: { modelInvocationServerErrors: DEFAULT_RETRIES + 1 },
    });
    expect(record?.outcome).toBe('error');
    expect(diagnostics.filter((d) => d.type === 'runs.evicted')).toHaveLength(1);
  });

  it('20 concurrent runs, each scripted with its own numbers: 20 exact records', async () => {
    const { exporter } = install();
    const runs = Array.from({ length: 20 }, (_, i) => {
      server.script(`cm-c${i}`, [
        {
          toolCalls: [{ name: 'add', arguments: { a: i, b: 1 }, id: `t${i}` }],
          usage: { input: 10 + i, output: 2 },
        },
        { text: `answer ${i}`, usage: { input: 100 + i, output: 3 + i }, chunkDelayMs: 3 },
      ]);
      return agent({ llm: openai(server.openaiBaseUrl), tools: [add] }).run(`script:cm-c${i} go`);
    });
    await Promise.all(runs);
    const records = await exporter.waitFor(20);
    const byInput = new Map(records.map((r) => [payload(r).inputTokenCount, payload(r)]));
    for (let i = 0; i < 20; i++) {
      const metric = byInput.get(110 + 2 * i);
      expect(metric).toBeDefined();
      expectPayload(metric as NonNullable<typeof metric>, {
        input: 110 + 2 * i,
        output: 5 + i,
        calls: 2,
        streamed: true,
        tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
      });
    }
  });

  it('an exporter that throws: the run is untouched, the good exporter gets the record, a diagnostic says so', async () => {
    const good = new InMemoryExporter();
    const broken = {
      name: 'broken',
      export: () => {
        throw new Error('exporter broke');
      },
    };
    const { diagnostics } = install({ exporters: [broken as unknown as InMemoryExporter, good] });
    server.script('cm-exp', [{ text: 'All good.', usage: { input: 10, output: 2 } }]);
    const result = await agent({ llm: openai(server.openaiBaseUrl), tools: [add] }).run('script:cm-exp hi');
    expect(result.data.result).toBe('All good.');
    const [record] = await good.waitFor(1);
    expectPayload(payload(record), { input: 10, output: 2, calls: 1, streamed: true });
    expect(diagnostics.some((d) => d.message.includes('exporter broke'))).toBe(true);
  });

  it('handlers registered on it reach the manager it replaced, which keeps receiving every event', async () => {
    const seen: string[] = [];
    const onStart = () => seen.push('llm-start');
    before.on('llm-end', () => seen.push('llm-end'));
    const { exporter, manager } = install();
    manager.on('llm-start', onStart);
    server.script('cm-fwd', [{ text: 'Hi.', usage: { input: 5, output: 1 } }]);
    await agent({ llm: openai(server.openaiBaseUrl), tools: [add] }).run('script:cm-fwd hi');
    await exporter.waitFor(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['llm-start', 'llm-end']);
    manager.off('llm-start', onStart);
  });
});
