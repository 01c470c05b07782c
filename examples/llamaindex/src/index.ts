// A hiking-trip agent on LlamaIndex.TS: an `agent()` workflow on @llamaindex/openai with two
// function tools and the MCP `get_forecast` tool (through @llamaindex/tools' `mcp()` client),
// measured by @metrics/llamaindex. Run: pnpm --filter @metrics-example/llamaindex start
import { tool } from '@llamaindex/core/tools';
import { OpenAI } from '@llamaindex/openai';
import { mcp } from '@llamaindex/tools';
import { agent } from '@llamaindex/workflow';
import { type ScriptStep, startExampleEnvironment, weatherMcpServer } from '@metrics-example/shared';
import { llamaindexMetrics, markMcp } from '@metrics/llamaindex';
import { z } from 'zod';

/** What the local model server answers (ignored with a real OPENAI_API_KEY). */
export const script: ScriptStep[] = [
  // the first request is rate-limited; the openai client retries it (a throttle in the record)
  { error: { status: 429, message: 'Rate limit reached', retryAfter: '0.01' } },
  {
    toolCalls: [
      { name: 'get_forecast', arguments: { city: 'Innsbruck' } },
      { name: 'trail_info', arguments: { trail: 'Zirbenweg' } },
      { name: 'trail_info', arguments: { trail: 'Nowhere Ridge' } },
    ],
    usage: { input: 350, output: 46 },
    firstChunkDelayMs: 30,
  },
  {
    toolCalls: [{ name: 'packing_list', arguments: { days: 2, rain: true } }],
    usage: { input: 560, output: 22, cached: 256 },
  },
  {
    text: 'Hike the Zirbenweg (7 km) on the sunny first day; Nowhere Ridge is not a known trail. Pack a rain jacket.',
    usage: { input: 720, output: 58, cached: 512, reasoning: 12 },
  },
];

const trails: Record<string, string> = { Zirbenweg: '7 km, 300 m ascent, easy' };

const trailInfo = tool({
  name: 'trail_info',
  description: 'Length and difficulty of a hiking trail',
  parameters: z.object({ trail: z.string() }),
  execute: ({ trail }) => {
    const info = trails[trail];
    if (!info) throw new Error(`unknown trail ${trail}`);
    return info;
  },
});

const packingList = tool({
  name: 'packing_list',
  description: 'What to pack for a hike',
  parameters: z.object({ days: z.number(), rain: z.boolean() }),
  execute: ({ days, rain }) => ['water', 'map', `${days} days of food`, ...(rain ? ['rain jacket'] : [])],
});

export async function main(
  question = 'Plan a hike near Innsbruck: weather, the Zirbenweg or Nowhere Ridge, and what to pack?',
) {
  const env = await startExampleEnvironment({ name: 'llamaindex', script });
  // deadlineMs: a run that LlamaIndex never settles (a model error inside agent()) is still reported
  const metrics = llamaindexMetrics({
    exporters: env.exporters,
    sessionId: 'llamaindex-example',
    deadlineMs: 120_000,
  });
  const weather = mcp({ ...weatherMcpServer(), clientName: 'llamaindex-example' });
  try {
    const llm = new OpenAI({
      model: env.model,
      apiKey: env.openaiApiKey,
      baseURL: env.openaiBaseUrl,
      // streamed answers carry their token usage only when asked for
      additionalChatOptions: { stream_options: { include_usage: true } },
    });
    // markMcp: the MCP client's tools count as `mcp` tools in the record
    const tools = [trailInfo, packingList, ...markMcp(await weather.tools())];
    const hikingAgent = metrics.instrument(agent({ name: 'hiking', llm, tools }));
    const result = await hikingAgent.run(question);
    return String(result.data.result);
  } finally {
    await weather.cleanup();
    await metrics.shutdown(); // delivers what was recorded
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
