import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type BaseAgent,
  type BasePlugin,
  FunctionTool,
  Gemini,
  InMemorySessionService,
  LlmAgent,
  Runner,
  StreamingMode,
  setLogger,
} from '@google/adk';
import type { InvocationRecord } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import type { ModelServer } from '@metrics/testkit';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { MetricsPlugin } from './index.js';

// the ADK logs an INFO line for every request by default
setLogger(null);

/** A Gemini model on the local model server: `GeminiParams` has no base URL, its HTTP options do. */
class LocalGemini extends Gemini {
  constructor(
    private readonly baseUrl: string,
    private readonly retryAttempts = 0,
  ) {
    super({ model: 'gemini-2.5-flash', apiKey: 'test' });
  }

  protected override getHttpOptions() {
    return {
      ...super.getHttpOptions(),
      baseUrl: this.baseUrl,
      ...(this.retryAttempts > 0
        ? { retryOptions: { attempts: this.retryAttempts, initialDelay: 0.01, maxDelay: 0.02, jitter: 0 } }
        : {}),
    };
  }
}

export function localGemini(baseUrl: string, retryAttempts = 0): Gemini {
  return new LocalGemini(baseUrl, retryAttempts);
}

export const getWeather = new FunctionTool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ forecast: `sunny in ${city}` }),
});

export const explode = new FunctionTool({
  name: 'explode',
  description: 'Always fails',
  parameters: z.object({}),
  execute: async () => {
    throw new RangeError('boom');
  },
});

export function newAgent(
  server: ModelServer,
  options: Partial<ConstructorParameters<typeof LlmAgent>[0]> = {},
  retryAttempts = 0,
) {
  return new LlmAgent({
    name: 'assistant',
    instruction: 'You help.',
    model: localGemini(server.url, retryAttempts),
    ...options,
  });
}

export function newPlugin(memory: InMemoryExporter, extra: Record<string, unknown> = {}): MetricsPlugin {
  return new MetricsPlugin({ exporters: [memory], logger: false, ...extra });
}

/** Runs the agent once in a fresh session of a new runner; returns the events it yielded. */
export async function runAgent(
  agent: BaseAgent,
  plugins: BasePlugin[],
  text: string,
  options: { sse?: boolean } = {},
) {
  const sessionService = new InMemorySessionService();
  const runner = new Runner({ appName: 'app', agent, sessionService, plugins });
  const session = await sessionService.createSession({ appName: 'app', userId: 'u' });
  const events = [];
  for await (const event of runner.runAsync({
    userId: 'u',
    sessionId: session.id,
    newMessage: { role: 'user', parts: [{ text }] },
    ...(options.sse ? { runConfig: { streamingMode: StreamingMode.SSE } } : {}),
  }))
    events.push(event);
  return { events, sessionId: session.id };
}

/** A real MCP server over Streamable HTTP (stateless): `lookup_order` answers, `cancel_order` returns an error result. */
export async function startMcpServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const http: Server = createServer(async (req, res) => {
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
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** The only top-level record exported so far. */
export function onlyRecord(memory: InMemoryExporter): InvocationRecord {
  if (memory.records.length !== 1) throw new Error(`expected 1 record, got ${memory.records.length}`);
  return memory.records[0] as InvocationRecord;
}

export { InMemoryExporter };
