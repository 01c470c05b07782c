import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resourceMetricsJsonSchema } from './json-schema.js';
import { PROVIDER_TYPES } from './provider-types.js';
import type { ResourceMetric } from './resource-metric.js';
import { validateResourceMetric, validateResourceMetricsPayload } from './validate-resource-metric.js';

const valid: ResourceMetric = {
  extAccountAliasId: '3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70',
  providerType: 'LANGCHAIN',
  operation: 'InvokeAgent',
  sessionId: '0b7e6f52-4d3c-4e2a-8f1b-9c8d7e6f5a4b',
  schemaVersion: '1.0.0',
  time: 1763892000123,
  extModelId: 'gpt-4o',
  promptType: 'CHAT',
  totalTime: 1234.5,
  ttft: 210.25,
  modelLatency: 900,
  modelInvocationCount: 2,
  inputTokenCount: 1200,
  outputTokenCount: 340,
  invocationServerErrors: 0,
  invocationClientErrors: 0,
  modelInvocationThrottles: 1,
  modelInvocationClientErrors: 0,
  modelInvocationServerErrors: 0,
  modelInvocationUnknownErrors: 0,
  guardrailHits: 0,
  tools: [
    { toolType: 'api', toolCalls: 3, successCount: 2, failureCount: 1 },
    { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
  ],
};

function issuesOf(value: unknown) {
  const result = validateResourceMetric(value);
  return result.ok ? [] : result.issues;
}

describe('validateResourceMetric', () => {
  it('accepts a complete record and a minimal one', () => {
    expect(validateResourceMetric(valid)).toEqual({ ok: true, value: valid });
    const { extAccountAliasId, providerType, operation, sessionId, schemaVersion, time } = valid;
    expect(issuesOf({ extAccountAliasId, providerType, operation, sessionId, schemaVersion, time })).toEqual(
      [],
    );
  });

  it.each([
    ['extAccountAliasId', undefined, 'required'],
    ['extAccountAliasId', '  ', 'non-empty'],
    ['extAccountAliasId', 12, 'type'],
    ['providerType', 'LANG_CHAIN', 'enum'],
    ['providerType', null, 'required'],
    ['operation', undefined, 'required'],
    ['sessionId', 'run-1', 'uuid-v4'],
    ['sessionId', '0b7e6f52-4d3c-1e2a-8f1b-9c8d7e6f5a4b', 'uuid-v4'],
    ['schemaVersion', '1.0', 'enum'],
    ['time', 1763892000, 'epoch-ms'],
    ['time', 1763892000123.5, 'epoch-ms'],
    ['time', '1763892000123', 'epoch-ms'],
    ['promptType', 'chat', 'enum'],
    ['extModelId', '', 'non-empty'],
    ['totalTime', -1, 'non-negative'],
    ['ttft', Number.NaN, 'finite'],
    ['modelLatency', Number.POSITIVE_INFINITY, 'finite'],
    ['modelInvocationCount', 1.5, 'integer'],
    ['inputTokenCount', -3, 'non-negative'],
    ['outputTokenCount', '12', 'type'],
    ['guardrailHits', 2 ** 60, 'safe-integer'],
    ['tools', {}, 'type'],
    ['color', 'blue', 'unknown-field'],
  ] as const)('rejects %s = %o with rule %s, naming the field', (field, value, rule) => {
    const record: Record<string, unknown> = { ...valid, [field]: value };
    if (value === undefined) delete record[field];
    const issues = issuesOf(record);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: field, rule });
    expect(issues[0]!.message).toContain(field);
  });

  it('checks every tool entry', () => {
    const issues = issuesOf({
      ...valid,
      tools: [
        { toolType: 'rest', toolCalls: 1, successCount: 1, failureCount: 0 },
        { toolType: 'api', toolCalls: 3, successCount: 1, failureCount: 1 },
        { toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 },
        { toolType: 'mcp', toolCalls: -1, successCount: 0, failureCount: 0 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0, name: 'x' },
      ],
    });
    expect(issues.map((issue) => [issue.path, issue.rule])).toEqual([
      ['tools[0].toolType', 'enum'],
      ['tools[1].toolCalls', 'tool-counts'],
      ['tools[2].toolType', 'duplicate-tool-type'],
      ['tools[3].toolCalls', 'non-negative'],
      ['tools[4].name', 'unknown-field'],
      ['tools[4].toolType', 'duplicate-tool-type'],
    ]);
  });

  it('rejects non-objects at the root', () => {
    for (const value of [null, 'x', 3, [], undefined])
      expect(issuesOf(value)[0]).toMatchObject({ rule: 'type' });
  });

  const arbitraryRecord = fc.record(
    {
      extAccountAliasId: fc.uuid({ version: 4 }),
      providerType: fc.constantFrom(...PROVIDER_TYPES),
      operation: fc.constant('InvokeAgent'),
      sessionId: fc.uuid({ version: 4 }),
      schemaVersion: fc.constant('1.0.0' as const),
      time: fc.integer({ min: 1e12, max: 1e13 - 1 }),
      totalTime: fc.double({ min: 0, max: 1e9, noNaN: true }),
      ttft: fc.double({ min: 0, max: 1e9, noNaN: true }),
      modelInvocationCount: fc.nat(),
      inputTokenCount: fc.maxSafeNat(),
      outputTokenCount: fc.maxSafeNat(),
      guardrailHits: fc.nat(),
      tools: fc.tuple(fc.nat(1000), fc.nat(1000)).map(([success, failure]) => [
        {
          toolType: 'api' as const,
          toolCalls: success + failure,
          successCount: success,
          failureCount: failure,
        },
      ]),
    },
    {
      requiredKeys: ['extAccountAliasId', 'providerType', 'operation', 'sessionId', 'schemaVersion', 'time'],
    },
  );

  it('accepts every well-formed record (property)', () => {
    fc.assert(fc.property(arbitraryRecord, (record) => issuesOf(record).length === 0));
  });

  it('rejects any record with a corrupted count, naming that field (property)', () => {
    const bad = fc.oneof(
      fc.constant(Number.NaN),
      fc.constant(-1),
      fc.constant(0.5),
      fc.constant(Number.POSITIVE_INFINITY),
      fc.string(),
    );
    const field = fc.constantFrom(
      'modelInvocationCount',
      'inputTokenCount',
      'outputTokenCount',
      'guardrailHits',
      'modelInvocationThrottles',
    );
    fc.assert(
      fc.property(arbitraryRecord, field, bad, (record, name, value) => {
        const issues = issuesOf({ ...record, [name]: value });
        return issues.length === 1 && issues[0]!.path === name;
      }),
    );
  });
});

describe('validateResourceMetricsPayload', () => {
  it('accepts 1 to 50 records and rejects 0 or 51', () => {
    expect(validateResourceMetricsPayload({ resourceMetrics: [valid] }).ok).toBe(true);
    expect(validateResourceMetricsPayload({ resourceMetrics: Array(50).fill(valid) }).ok).toBe(true);
    const empty = validateResourceMetricsPayload({ resourceMetrics: [] });
    expect(empty.ok ? [] : empty.issues.map((i) => i.rule)).toEqual(['min-records']);
    const tooMany = validateResourceMetricsPayload({ resourceMetrics: Array(51).fill(valid) });
    expect(tooMany.ok ? [] : tooMany.issues.map((i) => i.rule)).toEqual(['max-records']);
  });

  it('prefixes record issues with their index', () => {
    const result = validateResourceMetricsPayload({ resourceMetrics: [valid, { ...valid, time: 5 }] });
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['resourceMetrics[1].time']);
  });
});

describe('the JSON Schema file', () => {
  it('is the generated one (run `pnpm --filter @metrics/core generate:schema` after changing the schema)', () => {
    const file = JSON.parse(
      readFileSync(new URL('../../schema/resource-metrics.schema.json', import.meta.url), 'utf8'),
    );
    expect(file).toEqual(JSON.parse(JSON.stringify(resourceMetricsJsonSchema)));
  });

  it('lists the same required fields and provider types as the validator', () => {
    const record = resourceMetricsJsonSchema.$defs.ResourceMetric;
    for (const field of record.required) {
      const copy: Record<string, unknown> = { ...valid };
      delete copy[field];
      expect(issuesOf(copy).map((i) => i.rule)).toEqual(['required']);
    }
    expect(record.properties.providerType.enum).toEqual([...PROVIDER_TYPES]);
  });
});
