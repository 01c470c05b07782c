/** Shared fixtures of this package's tests (not part of the build). */
import { createMCPClient } from '@ai-sdk/mcp';
import {
  type InvocationRecord,
  type Metrics,
  type ResourceMetric,
  createMetrics,
  toResourceMetric,
} from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { type ToolSet, tool } from 'ai';
import { z } from 'zod';

export const ACCOUNT = '3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70';

export function payload(record: InvocationRecord | undefined): ResourceMetric {
  if (!record) throw new Error('no record');
  return toResourceMetric(record, { accountId: ACCOUNT });
}

export function memoryMetrics(): { metrics: Metrics; memory: InMemoryExporter; diagnostics: string[] } {
  const memory = new InMemoryExporter();
  const diagnostics: string[] = [];
  const metrics = createMetrics({
    exporters: [memory],
    logger: false,
    diagnostics: (event) => diagnostics.push(`${event.type}: ${event.message}`),
  });
  return { metrics, memory, diagnostics };
}

/** The error counters of a payload, all of them. */
export function errorCounters(metric: ResourceMetric) {
  return {
    invocationServerErrors: metric.invocationServerErrors,
    invocationClientErrors: metric.invocationClientErrors,
    modelInvocationThrottles: metric.modelInvocationThrottles,
    modelInvocationClientErrors: metric.modelInvocationClientErrors,
    modelInvocationServerErrors: metric.modelInvocationServerErrors,
    modelInvocationUnknownErrors: metric.modelInvocationUnknownErrors,
  };
}

export const noErrors = {
  invocationServerErrors: 0,
  invocationClientErrors: 0,
  modelInvocationThrottles: 0,
  modelInvocationClientErrors: 0,
  modelInvocationServerErrors: 0,
  modelInvocationUnknownErrors: 0,
};

/** Local tools: `add` works, `explode` throws. */
export const apiTools: ToolSet = {
  add: tool({
    description: 'Adds two numbers',
    inputSchema: z.object({ a: z.number(), b: z.number() }),
    execute: async ({ a, b }) => a + b,
  }),
  explode: tool({
    description: 'Always fails',
    inputSchema: z.object({}),
    execute: async (): Promise<string> => {
      throw new Error('the tool exploded');
    },
  }),
};

/** A real MCP server (`@modelcontextprotocol/sdk`) with a `lookup` tool, reached in memory by the AI SDK MCP client. */
export async function startMcp(): Promise<{ tools: ToolSet; close: () => Promise<void> }> {
  const server = new McpServer({ name: 'facts', version: '1.0.0' });
  server.registerTool(
    'lookup',
    { description: 'Looks up a fact', inputSchema: { topic: z.string() } },
    async ({ topic }) => ({ content: [{ type: 'text', text: `fact about ${topic}` }] }),
  );
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = await createMCPClient({ transport: clientTransport });
  const tools: ToolSet = await client.tools();
  return {
    tools,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** Resolves after the macrotask queue drained (records are exported synchronously at run end). */
export const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

// the tests use deprecated entry points on purpose (generateObject, streamObject)
(globalThis as { AI_SDK_LOG_WARNINGS?: false }).AI_SDK_LOG_WARNINGS = false;
