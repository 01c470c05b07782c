// A support agent built with LangChain's createAgent: ChatOpenAI, two function tools and the MCP
// get_forecast tool (through @langchain/mcp-adapters), measured by the @metrics/langchain middleware.
// Run: pnpm --filter @metrics-example/langchain start
import { type ScriptStep, startExampleEnvironment, weatherMcpServer } from '@metrics-example/shared';
import { AIMessageChunk } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { MultiServerMCPClient } from '@langchain/mcp-adapters';
import { ChatOpenAI } from '@langchain/openai';
import { createMetricsMiddleware } from '@metrics/langchain/middleware';
import { createAgent } from 'langchain';
import { z } from 'zod';

/** What the local model server answers (ignored with a real OPENAI_API_KEY). */
export const script: ScriptStep[] = [
  {
    toolCalls: [
      { name: 'get_forecast', arguments: { city: 'Porto' } },
      { name: 'lookup_order', arguments: { id: 'A-17' } },
    ],
    usage: { input: 380, output: 42 },
    firstChunkDelayMs: 25,
  },
  {
    toolCalls: [
      { name: 'lookup_order', arguments: { id: 'C-03' } },
      { name: 'convert_currency', arguments: { amount: 40, to: 'USD' } },
    ],
    usage: { input: 560, output: 31, cached: 256 },
  },
  {
    text: 'A-17 ships tomorrow (€40 ≈ $43.20); C-03 is not an order of yours. Porto: sunny, 21°C.',
    usage: { input: 690, output: 74, cached: 512, reasoning: 16 },
    firstChunkDelayMs: 15,
  },
];

const orders: Record<string, string> = { 'A-17': 'ships tomorrow, total 40 EUR' };

const lookupOrder = tool(
  async ({ id }) => {
    const status = orders[id];
    if (!status) throw new Error(`order ${id} not found`); // counted as a failed tool call
    return status;
  },
  {
    name: 'lookup_order',
    description: 'Status of an order',
    schema: z.object({ id: z.string() }),
  },
);

const convertCurrency = tool(async ({ amount, to }) => `${(amount * 1.08).toFixed(2)} ${to}`, {
  name: 'convert_currency',
  description: 'Converts an amount in EUR to another currency',
  schema: z.object({ amount: z.number(), to: z.string() }),
});

export async function main(
  question = 'Where are my orders A-17 and C-03, what is A-17 in dollars, and the weather in Porto?',
): Promise<string> {
  const env = await startExampleEnvironment({ name: 'langchain', script });
  const agentMetrics = createMetricsMiddleware({ exporters: env.exporters, sessionId: 'langchain-example' });
  const mcp = new MultiServerMCPClient({
    mcpServers: { weather: { transport: 'stdio', ...weatherMcpServer() } },
  });
  try {
    const agent = createAgent({
      model: new ChatOpenAI({
        model: env.model,
        apiKey: env.openaiApiKey,
        configuration: { baseURL: env.openaiBaseUrl },
      }),
      tools: [lookupOrder, convertCurrency, ...(await mcp.getTools())],
      systemPrompt: 'You are a support agent. Use the tools; be brief.',
      middleware: [agentMetrics], // first in the list
    });
    // 'messages' mode streams the model's tokens, so time to first token is measured too
    let answer = '';
    const stream = await agent.stream(
      { messages: [{ role: 'user', content: question }] },
      { streamMode: 'messages' },
    );
    for await (const [chunk] of stream) if (AIMessageChunk.isInstance(chunk)) answer += chunk.text;
    return answer;
  } finally {
    await mcp.close();
    await agentMetrics.metrics.shutdown(); // delivers what was recorded
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
