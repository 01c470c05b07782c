import { isProviderType } from './provider-types.js';
import {
  COUNT_FIELDS,
  DURATION_FIELDS,
  MAX_RECORDS_PER_REQUEST,
  PROMPT_TYPES,
  type ResourceMetric,
  SCHEMA_VERSION,
  TOOL_TYPES,
} from './resource-metric.js';

/** One broken rule: where (`tools[0].toolCalls`), which rule, and a sentence for people. */
export interface ValidationIssue {
  path: string;
  rule: ValidationRule;
  message: string;
}

export type ValidationRule =
  | 'type'
  | 'required'
  | 'enum'
  | 'non-empty'
  | 'uuid-v4'
  | 'epoch-ms'
  | 'non-negative'
  | 'integer'
  | 'finite'
  | 'safe-integer'
  | 'tool-counts'
  | 'duplicate-tool-type'
  | 'unknown-field'
  | 'max-records'
  | 'min-records';

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const REQUIRED_STRINGS = ['extAccountAliasId', 'operation'] as const;
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'extAccountAliasId',
  'providerType',
  'operation',
  'sessionId',
  'schemaVersion',
  'time',
  'extModelId',
  'promptType',
  'tools',
  ...DURATION_FIELDS,
  ...COUNT_FIELDS,
]);
const TOOL_FIELDS: ReadonlySet<string> = new Set(['toolType', 'toolCalls', 'successCount', 'failureCount']);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  return typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkCount(value: unknown, path: string, issues: ValidationIssue[]): void {
  if (typeof value !== 'number') {
    issues.push({ path, rule: 'type', message: `${path} must be a number, got ${describe(value)}` });
  } else if (!Number.isFinite(value)) {
    issues.push({ path, rule: 'finite', message: `${path} must be a finite number, got ${describe(value)}` });
  } else if (!Number.isInteger(value)) {
    issues.push({ path, rule: 'integer', message: `${path} must be an integer, got ${value}` });
  } else if (value < 0) {
    issues.push({ path, rule: 'non-negative', message: `${path} must not be negative, got ${value}` });
  } else if (value > Number.MAX_SAFE_INTEGER) {
    issues.push({
      path,
      rule: 'safe-integer',
      message: `${path} exceeds the largest exact integer, got ${value}`,
    });
  }
}

function checkDuration(value: unknown, path: string, issues: ValidationIssue[]): void {
  if (typeof value !== 'number') {
    issues.push({
      path,
      rule: 'type',
      message: `${path} must be a number of milliseconds, got ${describe(value)}`,
    });
  } else if (!Number.isFinite(value)) {
    issues.push({ path, rule: 'finite', message: `${path} must be a finite number, got ${describe(value)}` });
  } else if (value < 0) {
    issues.push({ path, rule: 'non-negative', message: `${path} must not be negative, got ${value}` });
  }
}

function checkTools(value: unknown, path: string, issues: ValidationIssue[]): void {
  if (!Array.isArray(value)) {
    issues.push({ path, rule: 'type', message: `${path} must be an array, got ${describe(value)}` });
    return;
  }
  const seen = new Set<string>();
  value.forEach((tool, index) => {
    const at = `${path}[${index}]`;
    if (!isPlainObject(tool)) {
      issues.push({ path: at, rule: 'type', message: `${at} must be an object, got ${describe(tool)}` });
      return;
    }
    for (const key of Object.keys(tool)) {
      if (!TOOL_FIELDS.has(key)) {
        issues.push({
          path: `${at}.${key}`,
          rule: 'unknown-field',
          message: `${at}.${key} is not a ToolMetric field`,
        });
      }
    }
    const toolType = tool.toolType;
    if (toolType === undefined || toolType === null) {
      issues.push({ path: `${at}.toolType`, rule: 'required', message: `${at}.toolType is required` });
    } else if (!(TOOL_TYPES as readonly unknown[]).includes(toolType)) {
      issues.push({
        path: `${at}.toolType`,
        rule: 'enum',
        message: `${at}.toolType must be one of ${TOOL_TYPES.join(', ')}, got ${describe(toolType)}`,
      });
    } else if (seen.has(toolType as string)) {
      issues.push({
        path: `${at}.toolType`,
        rule: 'duplicate-tool-type',
        message: `${at}.toolType ${String(toolType)} appears twice; send one entry per tool type`,
      });
    } else {
      seen.add(toolType as string);
    }
    const before = issues.length;
    for (const field of ['toolCalls', 'successCount', 'failureCount'] as const) {
      if (tool[field] === undefined || tool[field] === null) {
        issues.push({ path: `${at}.${field}`, rule: 'required', message: `${at}.${field} is required` });
      } else {
        checkCount(tool[field], `${at}.${field}`, issues);
      }
    }
    if (issues.length === before) {
      const { toolCalls, successCount, failureCount } = tool as Record<string, number>;
      if (successCount! + failureCount! !== toolCalls) {
        issues.push({
          path: `${at}.toolCalls`,
          rule: 'tool-counts',
          message: `${at}: successCount (${successCount}) + failureCount (${failureCount}) must equal toolCalls (${toolCalls})`,
        });
      }
    }
  });
}

/** Collects every broken rule of one record; an empty list means the record is valid. */
export function collectResourceMetricIssues(value: unknown, path = ''): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const p = (field: string) => (path ? `${path}.${field}` : field);
  if (!isPlainObject(value)) {
    issues.push({
      path: path || '(root)',
      rule: 'type',
      message: `a ResourceMetric must be an object, got ${describe(value)}`,
    });
    return issues;
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN_FIELDS.has(key)) {
      issues.push({
        path: p(key),
        rule: 'unknown-field',
        message: `${p(key)} is not a ResourceMetric field`,
      });
    }
  }
  for (const field of REQUIRED_STRINGS) {
    const v = value[field];
    if (v === undefined || v === null)
      issues.push({ path: p(field), rule: 'required', message: `${p(field)} is required` });
    else if (typeof v !== 'string')
      issues.push({
        path: p(field),
        rule: 'type',
        message: `${p(field)} must be a string, got ${describe(v)}`,
      });
    else if (v.trim() === '')
      issues.push({ path: p(field), rule: 'non-empty', message: `${p(field)} must not be empty` });
  }
  const providerType = value.providerType;
  if (providerType === undefined || providerType === null) {
    issues.push({ path: p('providerType'), rule: 'required', message: `${p('providerType')} is required` });
  } else if (!isProviderType(providerType)) {
    issues.push({
      path: p('providerType'),
      rule: 'enum',
      message: `${p('providerType')} must be one of the provider constants (e.g. CUSTOM_PROVIDER, LANGCHAIN), got ${describe(providerType)}`,
    });
  }
  const sessionId = value.sessionId;
  if (sessionId === undefined || sessionId === null) {
    issues.push({ path: p('sessionId'), rule: 'required', message: `${p('sessionId')} is required` });
  } else if (typeof sessionId !== 'string' || !UUID_V4.test(sessionId)) {
    issues.push({
      path: p('sessionId'),
      rule: 'uuid-v4',
      message: `${p('sessionId')} must be a UUID v4 (one per invocation), got ${describe(sessionId)}`,
    });
  }
  const schemaVersion = value.schemaVersion;
  if (schemaVersion === undefined || schemaVersion === null) {
    issues.push({ path: p('schemaVersion'), rule: 'required', message: `${p('schemaVersion')} is required` });
  } else if (schemaVersion !== SCHEMA_VERSION) {
    issues.push({
      path: p('schemaVersion'),
      rule: 'enum',
      message: `${p('schemaVersion')} must be "${SCHEMA_VERSION}", got ${describe(schemaVersion)}`,
    });
  }
  const time = value.time;
  if (time === undefined || time === null) {
    issues.push({ path: p('time'), rule: 'required', message: `${p('time')} is required` });
  } else if (typeof time !== 'number' || !Number.isInteger(time) || time < 1e12 || time >= 1e13) {
    issues.push({
      path: p('time'),
      rule: 'epoch-ms',
      message: `${p('time')} must be a 13-digit integer of Unix epoch milliseconds, got ${describe(time)}`,
    });
  }
  const extModelId = value.extModelId;
  if (extModelId !== undefined) {
    if (typeof extModelId !== 'string')
      issues.push({
        path: p('extModelId'),
        rule: 'type',
        message: `${p('extModelId')} must be a string, got ${describe(extModelId)}`,
      });
    else if (extModelId.trim() === '')
      issues.push({
        path: p('extModelId'),
        rule: 'non-empty',
        message: `${p('extModelId')} must not be empty when present`,
      });
  }
  const promptType = value.promptType;
  if (promptType !== undefined && !(PROMPT_TYPES as readonly unknown[]).includes(promptType)) {
    issues.push({
      path: p('promptType'),
      rule: 'enum',
      message: `${p('promptType')} must be one of ${PROMPT_TYPES.join(', ')}, got ${describe(promptType)}`,
    });
  }
  for (const field of DURATION_FIELDS) {
    if (value[field] !== undefined) checkDuration(value[field], p(field), issues);
  }
  for (const field of COUNT_FIELDS) {
    if (value[field] !== undefined) checkCount(value[field], p(field), issues);
  }
  if (value.tools !== undefined) checkTools(value.tools, p('tools'), issues);
  return issues;
}

/** Validates one record: `{ ok: true, value }` or every issue found. */
export function validateResourceMetric(value: unknown): ValidationResult<ResourceMetric> {
  const issues = collectResourceMetricIssues(value);
  return issues.length === 0 ? { ok: true, value: value as ResourceMetric } : { ok: false, issues };
}

/** Validates a whole request body `{ resourceMetrics: [...] }` (1 to 50 records). */
export function validateResourceMetricsPayload(
  value: unknown,
): ValidationResult<{ resourceMetrics: ResourceMetric[] }> {
  const issues: ValidationIssue[] = [];
  if (!isPlainObject(value)) {
    issues.push({
      path: '(root)',
      rule: 'type',
      message: `the body must be an object with a resourceMetrics array, got ${describe(value)}`,
    });
    return { ok: false, issues };
  }
  for (const key of Object.keys(value)) {
    if (key !== 'resourceMetrics')
      issues.push({ path: key, rule: 'unknown-field', message: `${key} is not a field of the request body` });
  }
  const records = value.resourceMetrics;
  if (!Array.isArray(records)) {
    issues.push({
      path: 'resourceMetrics',
      rule: records === undefined ? 'required' : 'type',
      message: `resourceMetrics must be an array, got ${describe(records)}`,
    });
    return { ok: false, issues };
  }
  if (records.length === 0)
    issues.push({
      path: 'resourceMetrics',
      rule: 'min-records',
      message: 'resourceMetrics must hold at least one record',
    });
  if (records.length > MAX_RECORDS_PER_REQUEST) {
    issues.push({
      path: 'resourceMetrics',
      rule: 'max-records',
      message: `resourceMetrics holds ${records.length} records; at most ${MAX_RECORDS_PER_REQUEST} are allowed per request`,
    });
  }
  records.forEach((record, index) => {
    issues.push(...collectResourceMetricIssues(record, `resourceMetrics[${index}]`));
  });
  return issues.length === 0
    ? { ok: true, value: value as { resourceMetrics: ResourceMetric[] } }
    : { ok: false, issues };
}
