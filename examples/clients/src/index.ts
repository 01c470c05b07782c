// Two support agents written by hand on the official clients, a tool loop on openai and another
// on @anthropic-ai/sdk, metered with @metrics/clients: one `meter()` per client, each run one
// `metrics.withInvocation`. Run: pnpm --filter @metrics-example/clients start
import Anthropic from '@anthropic-ai/sdk';
import { type ScriptStep, startExampleEnvironment } from '@metrics-example/shared';
import { meter as meterAnthropic } from '@metrics/clients/anthropic';
import { meter as meterOpenAI } from '@metrics/clients/openai';
import { createMetrics } from '@metrics/core';
import OpenAI from 'openai';
import { anthropicAgent } from './anthropic-agent.js';
import { openaiAgent } from './openai-agent.js';

/** What the local model server answers: the OpenAI run's calls (the second throttled once), then the Anthropic run's. */
export const script: ScriptStep[] = [
  {
    toolCalls: [
      { name: 'lookup_order', arguments: { id: 'A-17' } },
      { name: 'lookup_order', arguments: { id: 'B-99' } },
    ],
    usage: { input: 420, output: 38 },
  },
  { error: { status: 429, retryAfter: '0.05' } },
  { text: 'A-17 ships tomorrow; B-99 does not exist.', usage: { input: 610, output: 25, cached: 384 } },
  {
    toolCalls: [{ name: 'lookup_order', arguments: { id: 'A-17' } }],
    usage: { input: 900, output: 40, cached: 600, cacheWrite: 200 },
    firstChunkDelayMs: 30,
  },
  {
    text: 'Order A-17 ships tomorrow.',
    usage: { input: 980, output: 20, cached: 800 },
    firstChunkDelayMs: 20,
  },
];

const ANTHROPIC_MODEL = process.env.ANTHROPIC_MODEL ?? 'claude-haiku-4-5';

export async function main(): Promise<[string, string]> {
  const env = await startExampleEnvironment({ name: 'clients', script });
  const metrics = createMetrics({ exporters: env.exporters });
  const openai = meterOpenAI(new OpenAI({ apiKey: env.openaiApiKey, baseURL: env.openaiBaseUrl }), metrics);
  const anthropic = meterAnthropic(
    new Anthropic({
      apiKey: process.env.ANTHROPIC_API_KEY ?? env.openaiApiKey,
      baseURL: env.anthropicBaseUrl,
    }),
    metrics,
  );
  try {
    const first = await metrics.withInvocation({ model: env.model, sessionId: 'clients-openai' }, () =>
      openaiAgent(openai, env.model, 'Where are my orders A-17 and B-99?'),
    );
    const second = await metrics.withInvocation(
      { model: ANTHROPIC_MODEL, sessionId: 'clients-anthropic' },
      () => anthropicAgent(anthropic, ANTHROPIC_MODEL, 'Where is my order A-17?'),
    );
    return [first, second];
  } finally {
    await metrics.shutdown(); // delivers what was recorded
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
