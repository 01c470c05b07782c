// An order agent on Strands Agents (TypeScript SDK): a function tool, the MCP `get_forecast` tool
// (the SDK's McpClient over stdio) and a research agent used as a tool, measured by
// @metrics/strands. Run: pnpm --filter @metrics-example/strands start
import { type ScriptStep, startExampleEnvironment, weatherMcpServer } from '@metrics-example/shared';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { MetricsPlugin } from '@metrics/strands';
import { Agent, McpClient, tool } from '@strands-agents/sdk';
import { OpenAIModel } from '@strands-agents/sdk/models/openai';
import { z } from 'zod';

/** What the local model server answers (ignored with a real OPENAI_API_KEY). */
export const script: ScriptStep[] = [
  // the first request is rate-limited; the openai client retries it (a throttle in the record)
  { error: { status: 429, message: 'Rate limit reached', retryAfter: 0 } },
  // one tool call per answer: Strands 1.19's chat-completions stream keeps only the last of parallel calls
  {
    toolCalls: [{ name: 'lookup_order', arguments: { id: 'A-17' } }],
    usage: { input: 310, output: 20, cached: 128 },
    firstChunkDelayMs: 30,
  },
  { toolCalls: [{ name: 'lookup_order', arguments: { id: 'B-99' } }], usage: { input: 350, output: 20 } },
  { toolCalls: [{ name: 'get_forecast', arguments: { city: 'Porto' } }], usage: { input: 400, output: 18 } },
  {
    toolCalls: [{ name: 'researcher', arguments: { input: 'Is Porto delivery on time this week?' } }],
    usage: { input: 520, output: 22 },
  },
  // the research agent's own model call (a member run of the same invocation)
  { text: 'Deliveries to Porto are on time this week.', usage: { input: 90, output: 12 } },
  {
    text: 'Order A-17 is out for delivery in Porto today (sunny, 21°C), on time; I could not find order B-99.',
    usage: { input: 700, output: 60, cached: 256 },
  },
];

const orders: Record<string, { status: string; city: string }> = {
  'A-17': { status: 'out for delivery', city: 'Porto' },
};

const lookupOrder = tool({
  name: 'lookup_order',
  description: 'Status and delivery city of an order',
  inputSchema: z.object({ id: z.string() }),
  callback: ({ id }) => {
    const order = orders[id];
    if (!order) throw new Error(`order ${id} not found`);
    return order;
  },
});

export async function main(question = 'Where are my orders A-17 and B-99? Will it rain on delivery?') {
  const env = await startExampleEnvironment({ name: 'strands', script });
  // the openai client at its defaults: its own retries (2) are seen, each attempt and each 429 counted
  const model = () =>
    new OpenAIModel({
      api: 'chat',
      modelId: env.model,
      apiKey: env.openaiApiKey,
      clientConfig: env.openaiBaseUrl ? { baseURL: env.openaiBaseUrl } : {},
    });
  // one plugin on both agents: every invoke() of the order agent is one record, the researcher's run rolled in
  const metrics = new MetricsPlugin({ exporters: env.exporters });
  const weather = new McpClient({ transport: new StdioClientTransport(weatherMcpServer()) });
  try {
    const researcher = new Agent({
      name: 'researcher',
      description: 'Researches delivery conditions',
      model: model(),
      printer: false,
      plugins: [metrics],
    });
    const agent = new Agent({
      name: 'orders',
      systemPrompt: 'Answer questions about orders and their delivery weather. Use the tools.',
      model: model(),
      tools: [lookupOrder, weather, researcher.asTool()],
      printer: false,
      plugins: [metrics],
    });
    const result = await agent.invoke(question);
    return String(result);
  } finally {
    await weather.disconnect();
    await metrics.shutdown(); // delivers what was recorded
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
