import { tool } from '@llamaindex/core/tools';
import { OpenAI } from '@llamaindex/openai';
import { type InvocationRecord, type ResourceMetric, toResourceMetric } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { expect } from 'vitest';
import { z } from 'zod';
import { llamaindexMetrics } from './index.js';

export const ACCOUNT = '0b7c5e1e-8f5a-4c1e-9a35-7d1d3c0a9b11';

export function openai(
  baseURL: string,
  options: { usage?: boolean; maxRetries?: number; model?: string } = {},
) {
  return new OpenAI({
    baseURL,
    apiKey: 'test',
    model: options.model ?? 'gpt-4o-mini',
    maxRetries: options.maxRetries ?? 0,
    ...(options.usage === false
      ? {}
      : { additionalChatOptions: { stream_options: { include_usage: true } } }),
  });
}

export function setup() {
  const exporter = new InMemoryExporter();
  const diagnostics: Array<{ type: string; message: string }> = [];
  const metrics = llamaindexMetrics({
    exporters: [exporter],
    logger: false,
    diagnostics: (event) => diagnostics.push(event),
  });
  return { exporter, metrics, diagnostics };
}

export const add = tool({
  name: 'add',
  description: 'Adds two numbers',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

export const explode = tool({
  name: 'explode',
  description: 'Always fails',
  parameters: z.object({}),
  execute: () => {
    throw new Error('tool exploded');
  },
});

/** A real MCP server (in memory) with one tool, and a connected client. */
export async function startMcp() {
  const server = new McpServer({ name: 'test-mcp', version: '1.0.0' });
  server.registerTool(
    'lookup',
    { description: 'Looks a word up', inputSchema: { word: z.string() } },
    async ({ word }) => ({ content: [{ type: 'text', text: `${word}: a word` }] }),
  );
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(clientTransport);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

export function payload(record: InvocationRecord | undefined): ResourceMetric {
  expect(record).toBeDefined();
  return toResourceMetric(record as InvocationRecord, { accountId: ACCOUNT });
}

export interface Expected {
  input: number;
  output: number;
  calls: number;
  tools?: ResourceMetric['tools'];
  streamed: boolean;
  errors?: Partial<
    Pick<
      ResourceMetric,
      | 'invocationServerErrors'
      | 'invocationClientErrors'
      | 'modelInvocationThrottles'
      | 'modelInvocationClientErrors'
      | 'modelInvocationServerErrors'
      | 'modelInvocationUnknownErrors'
    >
  >;
}

/** Asserts every number of the payload against what the script fed in. */
export function expectPayload(metric: ResourceMetric, expected: Expected): void {
  expect(metric.providerType).toBe('LLAMAINDEX');
  expect(metric.inputTokenCount).toBe(expected.input);
  expect(metric.outputTokenCount).toBe(expected.output);
  expect(metric.modelInvocationCount).toBe(expected.calls);
  expect(metric.tools).toEqual(expected.tools);
  expect({
    invocationServerErrors: metric.invocationServerErrors,
    invocationClientErrors: metric.invocationClientErrors,
    modelInvocationThrottles: metric.modelInvocationThrottles,
    modelInvocationClientErrors: metric.modelInvocationClientErrors,
    modelInvocationServerErrors: metric.modelInvocationServerErrors,
    modelInvocationUnknownErrors: metric.modelInvocationUnknownErrors,
  }).toEqual({
    invocationServerErrors: 0,
    invocationClientErrors: 0,
    modelInvocationThrottles: 0,
    modelInvocationClientErrors: 0,
    modelInvocationServerErrors: 0,
    modelInvocationUnknownErrors: 0,
    ...expected.errors,
  });
  if (expected.streamed) expect(metric.ttft).toBeGreaterThan(0);
  else expect(metric.ttft).toBe(0);
  expect(metric.modelLatency).toBeGreaterThan(0);
  expect(metric.modelLatency).toBeLessThanOrEqual(metric.totalTime as number);
  expect(metric.guardrailHits).toBe(0);
}
