import type { InvocationRecord } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import type { ModelServer } from '@metrics/testkit';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Agent, McpClient, type Plugin, tool } from '@strands-agents/sdk';
import { AnthropicModel } from '@strands-agents/sdk/models/anthropic';
import { OpenAIModel } from '@strands-agents/sdk/models/openai';
import { z } from 'zod';
import { MetricsPlugin } from './index.js';

export type Provider = 'openai-chat' | 'openai-responses' | 'anthropic';
export const PROVIDERS: Provider[] = ['openai-chat', 'openai-responses', 'anthropic'];

/** A Strands model of the provider on the local model server; the provider client at its defaults unless told. */
export function modelFor(
  server: ModelServer,
  provider: Provider,
  clientConfig: Record<string, unknown> = {},
) {
  if (provider === 'anthropic')
    return new AnthropicModel({
      modelId: 'claude-test',
      apiKey: 'test',
      maxTokens: 256,
      clientConfig: { baseURL: server.anthropicBaseUrl, ...clientConfig },
    });
  return new OpenAIModel({
    api: provider === 'openai-chat' ? 'chat' : 'responses',
    modelId: 'gpt-test',
    apiKey: 'test',
    clientConfig: { baseURL: server.openaiBaseUrl, ...clientConfig },
  });
}

export const getWeather = tool({
  name: 'get_weather',
  description: 'Weather for a city',
  inputSchema: z.object({ city: z.string() }),
  callback: ({ city }) => `sunny in ${city}`,
});

export const explode = tool({
  name: 'explode',
  description: 'Always fails',
  inputSchema: z.object({}),
  callback: () => {
    throw new RangeError('boom');
  },
});

/** A real MCP server over the in-memory transport: `lookup_order` answers, `cancel_order` returns an error result. */
export async function connectMcp(): Promise<McpClient> {
  const server = new McpServer({ name: 'orders', version: '1.0.0' });
  server.registerTool(
    'lookup_order',
    { description: 'Looks up an order', inputSchema: { id: z.string() } },
    async ({ id }) => ({ content: [{ type: 'text', text: `order ${id}: shipped` }] }),
  );
  server.registerTool(
    'cancel_order',
    { description: 'Cancels an order', inputSchema: { id: z.string() } },
    async ({ id }) => ({
      content: [{ type: 'text', text: `order ${id} cannot be cancelled` }],
      isError: true,
    }),
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  return new McpClient({ transport: clientSide });
}

export function newPlugin(memory: InMemoryExporter, extra: Record<string, unknown> = {}): MetricsPlugin {
  return new MetricsPlugin({ exporters: [memory], logger: false, ...extra });
}

export function newAgent(options: ConstructorParameters<typeof Agent>[0] & { plugins?: Plugin[] }): Agent {
  return new Agent({ printer: false, ...options });
}

/** The only top-level record exported so far. */
export function onlyRecord(memory: InMemoryExporter): InvocationRecord {
  if (memory.records.length !== 1) throw new Error(`expected 1 record, got ${memory.records.length}`);
  return memory.records[0] as InvocationRecord;
}

export { InMemoryExporter };
