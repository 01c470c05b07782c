// The harness of the examples' own tests: a reference collector the example reports to (through its
// real start-up switch: AI_METRICS_ENDPOINT and credentials in the environment), and its JSONL events.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Collector, startCollector } from '@metrics/testkit';
import { expect } from 'vitest';

export interface ExampleHarness {
  collector: Collector;
  /** Every JSONL event the example wrote. */
  events(): any[]; // parsed JSON lines, asserted by the tests
  close(): Promise<void>;
}

export async function startExampleHarness(name: string): Promise<ExampleHarness> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-example-`));
  const collector = await startCollector({ token: 'example-test-token' });
  process.env.AI_METRICS_ENDPOINT = collector.endpoint;
  process.env.AI_METRICS_JWT_TOKEN = 'example-test-token';
  process.env.EXT_ACCOUNT_ALIAS_ID = '3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70';
  process.env.AI_METRICS_EVENTS_FILE = join(dir, 'events.jsonl');
  delete process.env.OPENAI_API_KEY;
  return {
    collector,
    events: () =>
      readFileSync(join(dir, 'events.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    close: async () => {
      await collector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The counters a run that went as scripted leaves at 0 (a test overrides the ones its script sets). */
const NO_ERRORS = {
  invocationServerErrors: 0,
  invocationClientErrors: 0,
  modelInvocationThrottles: 0,
  modelInvocationClientErrors: 0,
  modelInvocationServerErrors: 0,
  modelInvocationUnknownErrors: 0,
  guardrailHits: 0,
};

export interface ExpectedExampleRun {
  /** Record fields the script determines; error counters not given must be 0. */
  record: Record<string, unknown>;
  /** The scripted delay before the first streamed chunk: the record's ttft is at least this. */
  minTtftMs: number;
  /** Fields of the `llm_usage` JSONL event. */
  usageEvent: Record<string, unknown>;
}

/**
 * Asserts that the example's run produced exactly one record at the collector, matching what its
 * script fed in, and the matching usage event in the JSONL file. Returns both for further checks.
 */
export function expectOneExampleRecord(
  harness: ExampleHarness,
  expected: ExpectedExampleRun,
): { record: Record<string, any>; events: any[] } {
  expect(harness.collector.records).toHaveLength(1);
  const record = harness.collector.records[0] as Record<string, any>;
  expect(record).toMatchObject({ ...NO_ERRORS, ...expected.record });
  expect(record.ttft).toBeGreaterThanOrEqual(expected.minTtftMs);
  expect(record.modelLatency).toBeLessThanOrEqual(record.totalTime);
  const events = harness.events();
  expect(events.find((e) => e.type === 'llm_usage')).toMatchObject(expected.usageEvent);
  return { record, events };
}
