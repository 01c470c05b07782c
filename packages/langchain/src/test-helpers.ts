import { tool } from '@langchain/core/tools';
import { loadMcpTools } from '@langchain/mcp-adapters';
import { ChatOpenAI } from '@langchain/openai';
import { type InvocationRecord, type ResourceMetric, toResourceMetric } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import type { ModelServer } from '@metrics/testkit';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { z } from 'zod';

export const ACCOUNT = '4b8c2c1e-7d0e-4d7a-9a51-2f1c3c0d9e11';

export function payload(record: InvocationRecord | undefined): ResourceMetric {
  if (!record) throw new Error('no record');
  return toResourceMetric(record, { accountId: ACCOUNT });
}

export function openai(server: ModelServer, fields: Record<string, unknown> = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'sk-test-not-a-real-key',
    maxRetries: 2,
    ...fields,
    configuration: { baseURL: server.openaiBaseUrl, ...(fields.configuration as object | undefined) },
  });
}

export const weather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
  name: 'weather',
  description: 'Weather of a city',
  schema: z.object({ city: z.string() }),
});

export const boom = tool(
  async () => {
    throw new Error('tool exploded');
  },
  { name: 'boom', description: 'Always fails', schema: z.object({}) },
);

/** A real MCP server (SDK 1.x) over an in-memory transport, loaded through `@langchain/mcp-adapters`. */
export async function mcpTools() {
  const server = new McpServer({ name: 'lookup-server', version: '1.0.0' });
  server.registerTool(
    'lookup',
    { description: 'Looks up a key', inputSchema: { key: z.string() } },
    async ({ key }) => ({ content: [{ type: 'text', text: `value of ${key}` }] }),
  );
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(clientTransport);
  const tools = await loadMcpTools('lookup-server', client);
  return {
    tools,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

export function memoryExporter() {
  return new InMemoryExporter();
}
