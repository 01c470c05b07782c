import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Collector, startCollector } from '@metrics/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main, script } from './index.js';

let collector: Collector;
const dir = mkdtempSync(join(tmpdir(), 'mastra-example-'));

beforeAll(async () => {
  collector = await startCollector({ token: 'example-test-token' });
  process.env.AI_METRICS_ENDPOINT = collector.endpoint;
  process.env.AI_METRICS_JWT_TOKEN = 'example-test-token';
  process.env.EXT_ACCOUNT_ALIAS_ID = '3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70';
  process.env.AI_METRICS_EVENTS_FILE = join(dir, 'events.jsonl');
  delete process.env.OPENAI_API_KEY;
});
afterAll(() => collector.close());

it('records exactly what the script fed the agent, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer).toBe((script[2] as { text: string }).text);
  expect(collector.records).toHaveLength(1);
  const [record] = collector.records;
  expect(record).toMatchObject({
    providerType: 'MASTRA',
    extModelId: 'gpt-4o-mini',
    modelInvocationCount: 3,
    inputTokenCount: 450 + 640 + 760,
    outputTokenCount: 40 + 33 + 66,
    invocationServerErrors: 0,
    invocationClientErrors: 0,
    modelInvocationThrottles: 0,
    modelInvocationClientErrors: 0,
    modelInvocationServerErrors: 0,
    modelInvocationUnknownErrors: 0,
    guardrailHits: 0,
    tools: [
      { toolType: 'api', toolCalls: 3, successCount: 2, failureCount: 1 },
      { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
    ],
  });
  expect(record!.ttft).toBeGreaterThanOrEqual(25);
  expect(record!.modelLatency).toBeLessThanOrEqual(record!.totalTime!);
  const events = readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(events.find((e) => e.type === 'llm_usage')).toMatchObject({
    session_id: 'mastra-example',
    input_tokens: 1850,
    output_tokens: 139,
    total_tokens: 1989,
    cache_read_input_tokens: 896,
    reasoning_tokens: 20,
  });
});
