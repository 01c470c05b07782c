import { type ValidationIssue, validateResourceMetric, validateResourceMetricsPayload } from '@metrics/core';

export interface ValidateOutcome {
  ok: boolean;
  records: number;
  issues: ValidationIssue[];
}

/**
 * Validates a resourceMetrics document: a request body `{ "resourceMetrics": [...] }`, a single
 * record, or an array of records. Unparseable JSON is one issue at `(root)`.
 */
export function validateDocument(text: string): ValidateOutcome {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      records: 0,
      issues: [{ path: '(root)', rule: 'type', message: `not valid JSON: ${reason}` }],
    };
  }
  if (Array.isArray(document)) {
    const result = validateResourceMetricsPayload({ resourceMetrics: document });
    const issues = result.ok
      ? []
      : result.issues.map((issue) => ({
          ...issue,
          path: issue.path.replace(/^resourceMetrics/, '') || '(root)',
        }));
    return { ok: result.ok, records: document.length, issues };
  }
  if (typeof document === 'object' && document !== null && 'resourceMetrics' in document) {
    const result = validateResourceMetricsPayload(document);
    const records = (document as { resourceMetrics: unknown }).resourceMetrics;
    return {
      ok: result.ok,
      records: Array.isArray(records) ? records.length : 0,
      issues: result.ok ? [] : result.issues,
    };
  }
  const result = validateResourceMetric(document);
  return { ok: result.ok, records: 1, issues: result.ok ? [] : result.issues };
}

export function formatValidateOutcome(outcome: ValidateOutcome, source: string): string {
  if (outcome.ok) return `${source}: valid (${outcome.records} record${outcome.records === 1 ? '' : 's'})`;
  const lines = [`${source}: ${outcome.issues.length} problem${outcome.issues.length === 1 ? '' : 's'}`];
  for (const issue of outcome.issues) lines.push(`  ${issue.path}  [${issue.rule}]  ${issue.message}`);
  return lines.join('\n');
}
