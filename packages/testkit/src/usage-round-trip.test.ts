import Anthropic from '@anthropic-ai/sdk';
import { fromAnthropicUsage, fromOpenAIChatUsage, fromOpenAIResponsesUsage } from '@metrics/core';
import fc from 'fast-check';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, type ScriptUsage, startModelServer } from './index.js';
import { expectNormalizedUsage } from './test-helpers.js';

let server: ModelServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  server = await startModelServer();
  openai = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'k', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: server.anthropicBaseUrl, apiKey: 'k', maxRetries: 0 });
});
afterAll(() => server.close());

/** Usage as the script contract allows it: input includes cache reads/writes, output includes reasoning. */
const scriptUsage = (withCacheWrite: boolean, withReasoning: boolean) =>
  fc
    .record({
      fresh: fc.integer({ min: 0, max: 1_000_000 }),
      cached: fc.integer({ min: 0, max: 1_000_000 }),
      cacheWrite: withCacheWrite ? fc.integer({ min: 0, max: 1_000_000 }) : fc.constant(0),
      text: fc.integer({ min: 0, max: 100_000 }),
      reasoning: withReasoning ? fc.integer({ min: 0, max: 100_000 }) : fc.constant(0),
    })
    .map(
      ({ fresh, cached, cacheWrite, text, reasoning }): ScriptUsage => ({
        input: fresh + cached + cacheWrite,
        output: text + reasoning,
        cached,
        cacheWrite,
        reasoning,
      }),
    );

const runs = { numRuns: 15 };

describe('usage round trip: script → wire → real client → @metrics/core mapping', () => {
  it('OpenAI chat completions, streamed and not', async () => {
    await fc.assert(
      fc.asyncProperty(scriptUsage(false, true), fc.boolean(), async (usage, stream) => {
        server.script([{ text: 'x y', usage }]);
        const messages = [{ role: 'user' as const, content: 'x' }];
        let reported: unknown;
        if (stream) {
          const chunks = await openai.chat.completions.create({
            model: 'm',
            messages,
            stream: true,
            stream_options: { include_usage: true },
          });
          for await (const chunk of chunks) if (chunk.usage) reported = chunk.usage;
        } else reported = (await openai.chat.completions.create({ model: 'm', messages })).usage;
        expectNormalizedUsage(fromOpenAIChatUsage(reported), usage);
      }),
      runs,
    );
  });

  it('OpenAI responses, streamed and not', async () => {
    await fc.assert(
      fc.asyncProperty(scriptUsage(false, true), fc.boolean(), async (usage, stream) => {
        server.script([{ text: 'x y', usage }]);
        const reported = stream
          ? (await openai.responses.stream({ model: 'm', input: 'x' }).finalResponse()).usage
          : (await openai.responses.create({ model: 'm', input: 'x' })).usage;
        expectNormalizedUsage(fromOpenAIResponsesUsage(reported), usage);
      }),
      runs,
    );
  });

  it('Anthropic messages, streamed and not (reasoning is inside output_tokens)', async () => {
    await fc.assert(
      fc.asyncProperty(scriptUsage(true, false), fc.boolean(), async (usage, stream) => {
        server.script([{ text: 'x y', usage }]);
        const params = { model: 'm', max_tokens: 10, messages: [{ role: 'user' as const, content: 'x' }] };
        const reported = stream
          ? (await anthropic.messages.stream(params).finalMessage()).usage
          : (await anthropic.messages.create(params)).usage;
        expectNormalizedUsage(fromAnthropicUsage(reported), usage);
      }),
      runs,
    );
    expect(server.pending()).toEqual({});
  });
});
