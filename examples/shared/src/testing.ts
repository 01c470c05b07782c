// The harness of the examples' own tests: a reference collector the example reports to (through its
// real start-up switch: AI_METRICS_ENDPOINT and credentials in the environment), and its JSONL events.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Collector, startCollector } from '@metrics/testkit';

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
    close: () => collector.close(),
  };
}
