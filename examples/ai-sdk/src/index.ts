// A trip-planning agent on the Vercel AI SDK 7 (`streamText` with tools): a currency tool and the
// MCP `get_forecast` tool through the AI SDK MCP client, measured by the @metrics/ai-sdk telemetry
// integration. Run: pnpm --filter @metrics-example/ai-sdk start
import { createMCPClient } from '@ai-sdk/mcp';
import { Experimental_StdioMCPTransport } from '@ai-sdk/mcp/mcp-stdio';
import { createOpenAI } from '@ai-sdk/openai';
import { type ScriptStep, startExampleEnvironment, weatherMcpServer } from '@metrics-example/shared';
import { createMetricsTelemetry } from '@metrics/ai-sdk';
import { registerTelemetry, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';

/** What the local model server answers (ignored with a real OPENAI_API_KEY). */
export const script: ScriptStep[] = [
  // the first request is rate-limited; the AI SDK retries it (a throttle in the record)
  { error: { status: 429, message: 'Rate limit reached', retryAfter: 0 } },
  {
    toolCalls: [
      { name: 'get_forecast', arguments: { city: 'Kyoto' } },
      { name: 'convert_currency', arguments: { amount: 500, from: 'EUR', to: 'JPY' } },
    ],
    usage: { input: 380, output: 42 },
    firstChunkDelayMs: 25,
  },
  {
    toolCalls: [{ name: 'convert_currency', arguments: { amount: 500, from: 'EUR', to: 'XYZ' } }],
    usage: { input: 520, output: 30, cached: 256 },
  },
  {
    text: 'Kyoto will be sunny at 21°C at first, then rain. 500 EUR is about 81,000 JPY.',
    usage: { input: 610, output: 64, cached: 384, reasoning: 16 },
  },
];

const rates: Record<string, number> = { EUR: 1, USD: 1.08, JPY: 162.4 };

const convertCurrency = tool({
  description: 'Converts an amount between currencies (EUR, USD, JPY)',
  inputSchema: z.object({ amount: z.number(), from: z.string(), to: z.string() }),
  execute: async ({ amount, from, to }) => {
    const rate = (rates[to] ?? Number.NaN) / (rates[from] ?? Number.NaN);
    if (!Number.isFinite(rate)) throw new Error(`unknown currency ${rates[from] ? to : from}`);
    return { amount: Math.round(amount * rate * 100) / 100, currency: to };
  },
});

export async function main(question = 'I fly to Kyoto with 500 EUR: weather, and how many yen is that?') {
  const env = await startExampleEnvironment({ name: 'ai-sdk', script });
  // one integration for every AI SDK call of this process: one record per streamText/generateText
  const telemetry = createMetricsTelemetry({ exporters: env.exporters, sessionId: 'ai-sdk-example' });
  registerTelemetry(telemetry);
  const openai = createOpenAI({ apiKey: env.openaiApiKey, baseURL: env.openaiBaseUrl });
  const mcp = await createMCPClient({ transport: new Experimental_StdioMCPTransport(weatherMcpServer()) });
  try {
    const result = streamText({
      model: openai(env.model),
      system: 'You are a travel assistant. Use the tools.',
      prompt: question,
      tools: { ...(await mcp.tools()), convert_currency: convertCurrency },
      stopWhen: stepCountIs(5),
    });
    let answer = '';
    for await (const text of result.textStream) answer += text;
    return answer;
  } finally {
    await mcp.close();
    await telemetry.metrics.shutdown(); // delivers what was recorded
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
