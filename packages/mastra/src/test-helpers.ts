// Shared by the end-to-end tests (not part of the package's entry point).
import { fileURLToPath } from 'node:url';
import { createOpenAI } from '@ai-sdk/openai';
import { Agent } from '@mastra/core/agent';
import { noopLogger } from '@mastra/core/logger';
import { Mastra } from '@mastra/core/mastra';
import type { InputProcessor } from '@mastra/core/processors';
import { createTool } from '@mastra/core/tools';
import type { AnyWorkflow } from '@mastra/core/workflows';
import { MCPClient } from '@mastra/mcp';
import { Observability } from '@mastra/observability';
import { type InvocationRecord, type Metrics, type ResourceMetric, toResourceMetric } from '@metrics/core';
import type { startModelServer } from '@metrics/testkit';
import { expect } from 'vitest';
import { z } from 'zod';
import { MastraMetricsExporter } from './mastra-exporter.js';
import { withMetrics } from './standalone.js';

export type ModelServer = Awaited<ReturnType<typeof startModelServer>>;
export type Mode = 'generate' | 'stream';

const MCP_SERVER = fileURLToPath(new URL('../test/fixtures/mcp-server.mjs', import.meta.url));

/** A real MCP server over stdio, through Mastra's own MCP client (tools: weather_forecast, weather_broken). */
export function startMcp(id: string): MCPClient {
  return new MCPClient({ id, servers: { weather: { command: process.execPath, args: [MCP_SERVER] } } });
}

export const add = createTool({
  id: 'add',
  description: 'Adds two numbers',
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => ({ sum: a + b }),
});

export const boom = createTool({
  id: 'boom',
  description: 'Always throws',
  inputSchema: z.object({}),
  execute: async () => {
    throw new Error('tool exploded');
  },
});

/** An input processor that trips (ends the run without throwing) when the prompt mentions a secret. */
export const noSecrets: InputProcessor = {
  id: 'no-secrets',
  processInput: async ({ messages, abort }) => {
    if (JSON.stringify(messages).includes('secret')) abort('secret detected');
    return messages;
  },
};

export interface Agents {
  main: Agent;
  retrying: Agent;
  helper: Agent;
  boss: Agent;
  guarded: Agent;
}

/**
 * The agents every scenario uses. `main` has an api tool, a throwing tool, the MCP tools and a tool
 * that calls `helper`; `boss` has `helper` as a Mastra sub-agent; `retrying` lets Mastra retry once.
 */
export function createAgents(
  server: ModelServer,
  mcpTools: Record<string, unknown>,
  wrap?: (agent: Agent) => Agent,
): Agents {
  const openai = createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' });
  // @ai-sdk/openai's own LanguageModelV4 type and the copy Mastra vendors differ only in typing.
  const chat = (id: string) => openai.chat(id) as unknown as Agent['model'];
  const w = (agent: Agent) => {
    agent.__setLogger(noopLogger); // keep Mastra's own error logging out of the test output
    return wrap ? wrap(agent) : agent;
  };
  const helper = w(
    new Agent({
      id: 'helper',
      name: 'helper',
      instructions: 'Answer briefly.',
      model: chat('gpt-helper'),
    }),
  );
  const askHelper = createTool({
    id: 'ask_helper',
    description: 'Asks the helper agent',
    inputSchema: z.object({ question: z.string() }),
    execute: async ({ question }) => ({ answer: (await helper.generate(question)).text }),
  });
  const main = w(
    new Agent({
      id: 'main',
      name: 'main',
      instructions: 'You are helpful.',
      model: chat('gpt-main'),
      tools: { add, boom, ask_helper: askHelper, ...(mcpTools as Record<string, typeof add>) },
    }),
  );
  const retrying = w(
    new Agent({
      id: 'retrying',
      name: 'retrying',
      instructions: 'x',
      model: chat('gpt-retry'),
      maxRetries: 1,
    }),
  );
  const boss = w(
    new Agent({
      id: 'boss',
      name: 'boss',
      instructions: 'Delegate.',
      model: chat('gpt-boss'),
      agents: { helper },
    }),
  );
  const guarded = w(
    new Agent({
      id: 'guarded',
      name: 'guarded',
      instructions: 'x',
      model: chat('gpt-guarded'),
      inputProcessors: [noSecrets],
    }),
  );
  return { main, retrying, helper, boss, guarded };
}

/** The agents registered on a `Mastra` instance whose observability has the metrics exporter. */
export function createMastraSetup(
  server: ModelServer,
  mcpTools: Record<string, unknown>,
  metrics: Metrics,
  workflows: Record<string, AnyWorkflow> = {},
) {
  const exporter = new MastraMetricsExporter(metrics);
  const agents = createAgents(server, mcpTools);
  const mastra = new Mastra({
    agents: { ...agents },
    workflows,
    observability: new Observability({
      configs: { default: { serviceName: 'metrics-test', exporters: [exporter] } },
    }),
    logger: false,
  });
  const get = (id: keyof Agents) => mastra.getAgent(id) as Agent;
  return {
    exporter,
    mastra,
    agents: {
      main: get('main'),
      retrying: get('retrying'),
      helper: get('helper'),
      boss: get('boss'),
      guarded: get('guarded'),
    },
  };
}

/** The same agents used without `Mastra`, each wrapped with `withMetrics`. */
export function createStandaloneSetup(
  server: ModelServer,
  mcpTools: Record<string, unknown>,
  metrics: Metrics,
) {
  return { agents: createAgents(server, mcpTools, (agent) => withMetrics(agent, metrics)) };
}

export interface RunOutcome {
  text?: string;
  error?: unknown;
  tripwire?: unknown;
}

/** Runs the agent with `generate` or `stream` (consuming the stream), returning what the caller sees. */
export async function run(agent: Agent, mode: Mode, prompt: string): Promise<RunOutcome> {
  if (mode === 'generate') {
    try {
      const result = await agent.generate(prompt);
      return { text: result.text, tripwire: result.tripwire };
    } catch (error) {
      return { error };
    }
  }
  const output = await agent.stream(prompt);
  for await (const _chunk of output.fullStream) {
    // consume
  }
  try {
    const full = await output.getFullOutput();
    return { text: full.text, tripwire: full.tripwire, ...(full.error ? { error: full.error } : {}) };
  } catch (error) {
    return { error };
  }
}

export function payload(record: InvocationRecord | undefined): ResourceMetric {
  expect(record).toBeDefined();
  return toResourceMetric(record as InvocationRecord, { accountId: '5f0c7a8e-1b2c-4d3e-8f9a-0b1c2d3e4f50' });
}

export const NO_ERRORS = {
  invocationServerErrors: 0,
  invocationClientErrors: 0,
  modelInvocationThrottles: 0,
  modelInvocationClientErrors: 0,
  modelInvocationServerErrors: 0,
  modelInvocationUnknownErrors: 0,
};

/** ttft > 0 exactly when streamed; model latency within the run. */
export function expectTimings(metric: ResourceMetric, mode: Mode): void {
  if (mode === 'stream') expect(metric.ttft).toBeGreaterThan(0);
  else expect(metric.ttft).toBe(0);
  expect(metric.modelLatency).toBeGreaterThan(0);
  expect(metric.modelLatency ?? 0).toBeLessThanOrEqual(metric.totalTime ?? 0);
  if (mode === 'stream') expect(metric.ttft ?? 0).toBeLessThanOrEqual(metric.totalTime ?? 0);
}
