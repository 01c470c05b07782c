import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { toJsonlEvents } from '../exporters/jsonl-events.js';
import { Metrics } from '../metrics.js';
import { toResourceMetric } from '../payload/to-resource-metric.js';
import { validateResourceMetric } from '../schema/validate-resource-metric.js';
import { InMemoryExporter } from '../testing/in-memory-exporter.js';
import { hostile, junk } from './hostile-values.js';
import type { InvocationRecorder, ModelCall, ToolCall } from './invocation-recorder.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const OPS = [
  'startModelCall',
  'firstToken',
  'modelEnd',
  'modelFail',
  'startToolCall',
  'toolEnd',
  'toolFail',
  'recordToolCall',
  'recordModelCall',
  'recordGuardrailTrip',
  'recordError',
  'startMemberRun',
  'memberEnd',
  'end',
] as const;

type Op = [(typeof OPS)[number], unknown, unknown, unknown, number];
const op: fc.Arbitrary<Op> = fc.tuple(fc.constantFrom(...OPS), junk, junk, junk, fc.nat());

const toolTypesArb = fc.oneof(
  fc.constant(undefined),
  fc.constant(() => {
    throw new Error('toolTypes');
  }),
  fc.constant({ constructor: 'mcp', function: 'mcp', __proto__: null } as never),
  fc.constant(({ name }: { name: string }) => (name === 'constructor' ? ('function' as never) : 'mcp')),
  hostile,
);

interface State {
  runs: InvocationRecorder[];
  models: ModelCall[];
  tools: ToolCall[];
}

function pick<T>(items: T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

type Loose = any;

function apply(state: State, [name, a, b, c, n]: Op): unknown {
  const run: Loose = pick(state.runs, n)!;
  const model: Loose = pick(state.models, n);
  const tool: Loose = pick(state.tools, n);
  switch (name) {
    case 'startModelCall':
      state.models.push(run.startModelCall(a));
      return;
    case 'firstToken':
      return model?.firstToken(a);
    case 'modelEnd':
      return model?.end(a, b);
    case 'modelFail':
      return model?.fail(a, b, c);
    case 'startToolCall':
      state.tools.push(run.startToolCall(a));
      return;
    case 'toolEnd':
      return tool?.end(a);
    case 'toolFail':
      return tool?.fail(a, b);
    case 'recordToolCall':
      return run.recordToolCall(a);
    case 'recordModelCall':
      return run.recordModelCall(a);
    case 'recordGuardrailTrip':
      return run.recordGuardrailTrip(a);
    case 'recordError':
      return run.recordError(a);
    case 'startMemberRun':
      state.runs.push(run.startMemberRun(a));
      return;
    case 'memberEnd':
      if (run !== state.runs[0]) run.end(a as Loose);
      return;
    case 'end':
      // ends the top-level run early: every later call is a call after end
      if (n % 4 === 0) state.runs[0]!.end(a as Loose);
      return;
  }
}

describe('the manual API under arbitrary misuse (property-based)', () => {
  it('never throws into the caller, keeps every invocation, and every payload is valid', () => {
    const diagnosticTotals: Record<string, number> = {};
    const totals = { runs: 0, calls: 0, throws: 0, kept: 0, invalidPayloads: 0, jsonlFailures: 0 };
    const objectKeys = Object.getOwnPropertyNames(Object).sort();
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    fc.assert(
      fc.property(
        junk,
        toolTypesArb,
        fc.array(op, { maxLength: 30 }),
        junk,
        (options, toolTypes, ops, endOptions) => {
          const exporter = new InMemoryExporter();
          const diagnostics = new Diagnostics({ logger: false });
          let metrics: Metrics;
          try {
            metrics = new Metrics({ exporters: [exporter], diagnostics, toolTypes: toolTypes as never });
          } catch {
            // only a documented ConfigurationError may come from the constructor; toolTypes is not checked there
            metrics = new Metrics({ exporters: [exporter], diagnostics });
          }
          totals.runs++;
          const attempt = (fn: () => unknown) => {
            totals.calls++;
            try {
              fn();
            } catch {
              totals.throws++;
            }
          };
          const state: State = { runs: [], models: [], tools: [] };
          attempt(() => state.runs.push(metrics.startInvocation(options as never)));
          if (state.runs.length === 0) return;
          for (const item of ops) attempt(() => apply(state, item));
          let record: Loose;
          attempt(() => {
            record = state.runs[0]!.end(endOptions as never);
          });
          attempt(() => state.runs[0]!.end()); // end twice
          if (exporter.records.length === 1 && record === exporter.records[0]) totals.kept++;
          for (const [type, count] of Object.entries(diagnostics.snapshot()))
            diagnosticTotals[type] = (diagnosticTotals[type] ?? 0) + count;
          const metric = toResourceMetric(exporter.records[0]!, { accountId: 'acct-1' });
          if (!validateResourceMetric(metric).ok) totals.invalidPayloads++;
          try {
            const events = toJsonlEvents(exporter.records[0]!, { modelCalls: true });
            const lines = events.map((event) => JSON.parse(JSON.stringify(event)));
            if (lines.at(-1)?.type !== 'invocation') totals.jsonlFailures++;
          } catch {
            totals.jsonlFailures++;
          }
        },
      ),
      { numRuns: RUNS },
    );
    if (process.env.RELIABILITY_REPORT)
      console.info(JSON.stringify({ ...totals, diagnostics: diagnosticTotals }));
    expect(totals.runs).toBe(RUNS);
    expect(totals.calls).toBeGreaterThan(RUNS * 3);
    expect(totals.throws).toBe(0);
    expect(totals.kept).toBe(RUNS);
    expect(totals.invalidPayloads).toBe(0);
    expect(totals.jsonlFailures).toBe(0);
    // nothing was written onto global objects
    expect(Object.getOwnPropertyNames(Object).sort()).toEqual(objectKeys);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  }, 60_000);
});
