// A support agent built with Mastra: an Agent with two tools and the MCP get_forecast tool (through
// @mastra/mcp), registered on a Mastra instance whose observability has the @metrics/mastra exporter.
// Run: pnpm --filter @metrics-example/mastra start
import { type ScriptStep, startExampleEnvironment, weatherMcpServer } from '@metrics-example/shared';
import { createOpenAI } from '@ai-sdk/openai';
import type { MastraModelConfig } from '@mastra/core/llm';
import { z } from 'zod';

// Mastra sends usage telemetry home unless this is set; set it before Mastra loads.
process.env.MASTRA_TELEMETRY_DISABLED ??= '1';
const { Agent } = await import('@mastra/core/agent');
const { Mastra } = await import('@mastra/core/mastra');
const { createTool } = await import('@mastra/core/tools');
const { MCPClient } = await import('@mastra/mcp');
const { Observability } = await import('@mastra/observability');
const { MetricsExporter } = await import('@metrics/mastra');

/** What the local model server answers (ignored with a real OPENAI_API_KEY). */
export const script: ScriptStep[] = [
  {
    toolCalls: [
      { name: 'weather_get_forecast', arguments: { city: 'Madrid' } },
      { name: 'lookup_order', arguments: { id: 'A-17' } },
    ],
    usage: { input: 450, output: 40 },
    firstChunkDelayMs: 25,
  },
  {
    toolCalls: [
      { name: 'lookup_order', arguments: { id: 'Z-00' } },
      { name: 'estimate_delivery', arguments: { city: 'Madrid' } },
    ],
    usage: { input: 640, output: 33, cached: 384 },
  },
  {
    text: 'A-17 reaches Madrid in 2 days; Z-00 is unknown. Madrid: sunny, 21°C.',
    usage: { input: 760, output: 66, cached: 512, reasoning: 20 },
    firstChunkDelayMs: 15,
  },
];

const orders: Record<string, string> = { 'A-17': 'shipped' };

const lookupOrder = createTool({
  id: 'lookup_order',
  description: 'Status of an order',
  inputSchema: z.object({ id: z.string() }),
  execute: async ({ id }) => {
    const status = orders[id];
    if (!status) throw new Error(`order ${id} not found`); // counted as a failed tool call
    return { id, status };
  },
});

const estimateDelivery = createTool({
  id: 'estimate_delivery',
  description: 'Delivery time to a city, in days',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, days: 2 }),
});

export async function main(
  question = 'Where are my orders A-17 and Z-00, when will A-17 reach Madrid, and what is the weather there?',
): Promise<string> {
  const env = await startExampleEnvironment({ name: 'mastra', script });
  const mcp = new MCPClient({ id: 'mastra-example', servers: { weather: weatherMcpServer() } });
  const openai = createOpenAI({ apiKey: env.openaiApiKey, baseURL: env.openaiBaseUrl });
  const supportAgent = new Agent({
    id: 'support',
    name: 'support',
    instructions: 'You are a support agent. Use the tools; be brief.',
    // @ai-sdk/openai's LanguageModelV4 type and the copy Mastra vendors differ only in typing
    model: openai.chat(env.model) as unknown as MastraModelConfig,
    tools: { lookup_order: lookupOrder, estimate_delivery: estimateDelivery, ...(await mcp.listTools()) },
  });
  const metrics = new MetricsExporter({ exporters: env.exporters, sessionId: 'mastra-example' });
  const mastra = new Mastra({
    agents: { supportAgent },
    observability: new Observability({
      configs: { default: { serviceName: 'mastra-example', exporters: [metrics] } },
    }),
  });
  try {
    const stream = await mastra.getAgent('supportAgent').stream(question, { maxSteps: 5 });
    let answer = '';
    for await (const text of stream.textStream) answer += text;
    return answer;
  } finally {
    await mcp.disconnect();
    await mastra.shutdown(); // shuts the exporter down: delivers what was recorded
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
