import { type InvocationRecord, type Metrics, createMetrics } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, type ScriptUsage, startModelServer } from '@metrics/testkit';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/** A model server and a `Metrics` that keeps its records, for one test file. */
export function setup(): { server: () => ModelServer; metrics: Metrics; exporter: InMemoryExporter } {
  const exporter = new InMemoryExporter();
  const metrics = createMetrics({ exporters: [exporter], logger: false });
  let server: ModelServer | undefined;
  beforeAll(async () => {
    server = await startModelServer();
  });
  afterAll(() => server?.close());
  afterEach(() => {
    expect(server?.pending()).toEqual({});
    server?.reset();
    exporter.reset();
  });
  return {
    server: () => {
      if (!server) throw new Error('the model server is not started');
      return server;
    },
    metrics,
    exporter,
  };
}

/** The usage of a record as the script's shape. */
export function usageOf(record: InvocationRecord | undefined): ScriptUsage {
  const usage = record?.summary.usage;
  return {
    input: usage?.inputTokens ?? 0,
    output: usage?.outputTokens ?? 0,
    cached: usage?.cacheReadTokens ?? 0,
    cacheWrite: usage?.cacheWriteTokens ?? 0,
    reasoning: usage?.reasoningTokens ?? 0,
  };
}

/** `usage` with every optional field, as `usageOf` reports it. */
export function full(usage: ScriptUsage): ScriptUsage {
  return { cached: 0, cacheWrite: 0, reasoning: 0, ...usage };
}

/** Sums scripted usages field by field (test arithmetic, on the script's side). */
export function sum(...usages: ScriptUsage[]): ScriptUsage {
  const total = full({ input: 0, output: 0 });
  for (const u of usages.map(full))
    for (const key of Object.keys(total) as Array<keyof ScriptUsage>)
      total[key] = (total[key] ?? 0) + (u[key] ?? 0);
  return total;
}

/** A `Metrics` whose one exporter throws on every record. */
export function throwingMetrics(): Metrics {
  return createMetrics({
    exporters: [
      {
        export: () => {
          throw new Error('boom');
        },
      },
    ],
    logger: false,
  });
}
