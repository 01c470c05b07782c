// A customer-support team on the OpenAI Agents SDK: a triage agent hands off to a shipping agent
// that has a function tool and the MCP `get_forecast` tool (the SDK's MCPServerStdio), measured by
// @metrics/openai-agents. Run: pnpm --filter @metrics-example/openai-agents start
import { type ScriptStep, startExampleEnvironment, weatherMcpServer } from '@metrics-example/shared';
import { instrumentRunner } from '@metrics/openai-agents';
import { Agent, MCPServerStdio, OpenAIProvider, Runner, tool } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';

/** What the local model server answers (ignored with a real OPENAI_API_KEY). */
export const script: ScriptStep[] = [
  // the first request is rate-limited; the openai client retries it (a throttle in the record)
  { error: { status: 429, message: 'Rate limit reached', retryAfter: 0 } },
  {
    toolCalls: [{ name: 'transfer_to_shipping', arguments: {} }],
    usage: { input: 310, output: 12 },
    firstChunkDelayMs: 30,
  },
  {
    toolCalls: [
      { name: 'lookup_order', arguments: { id: 'A-17' } },
      { name: 'lookup_order', arguments: { id: 'B-99' } },
      { name: 'get_forecast', arguments: { city: 'Porto' } },
    ],
    usage: { input: 450, output: 48, cached: 256 },
  },
  {
    text: 'Order A-17 is out for delivery in Porto today (sunny, 21°C); I could not find order B-99.',
    usage: { input: 690, output: 70, cached: 384, reasoning: 24 },
  },
];

const orders: Record<string, { status: string; city: string }> = {
  'A-17': { status: 'out for delivery', city: 'Porto' },
};

const lookupOrder = tool({
  name: 'lookup_order',
  description: 'Status and delivery city of an order',
  parameters: z.object({ id: z.string() }),
  execute: async ({ id }) => {
    const order = orders[id];
    if (!order) throw new Error(`order ${id} not found`);
    return order;
  },
});

export async function main(question = 'Where are my orders A-17 and B-99? Will it rain on delivery?') {
  const env = await startExampleEnvironment({ name: 'openai-agents', script });
  // the openai client at its defaults: its own retries (2) are seen, each attempt and each 429 counted
  const client = new OpenAI({ apiKey: env.openaiApiKey, baseURL: env.openaiBaseUrl });
  const runner = new Runner({ modelProvider: new OpenAIProvider({ openAIClient: client }) });
  // every runner.run() becomes one record, handoffs included
  const metrics = instrumentRunner(runner, { exporters: env.exporters, sessionId: 'openai-agents-example' });
  const weather = new MCPServerStdio({ name: 'weather', ...weatherMcpServer(), cacheToolsList: true });
  await weather.connect();
  try {
    const shipping = new Agent({
      name: 'shipping',
      instructions: 'Answer questions about orders and their delivery weather. Use the tools.',
      model: env.model,
      tools: [lookupOrder],
      mcpServers: [weather],
    });
    const triage = new Agent({
      name: 'triage',
      instructions: 'Route order and delivery questions to shipping.',
      model: env.model,
      handoffs: [shipping],
    });
    const result = await runner.run(triage, question, { stream: true });
    for await (const _event of result) {
      // a UI would render the events here
    }
    await result.completed;
    return String(result.finalOutput);
  } finally {
    await weather.close();
    await metrics.shutdown(); // delivers what was recorded
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
