import { USAGE_COUNT_FIELDS, type Usage, type UsageCountField, newUsage } from './usage.js';

/**
 * Removes tokens a framework is known to over-report (e.g. a placeholder token counted twice),
 * for adapters that correct a documented framework bug. All or nothing: the excess is removed
 * only when every field it names was reported with at least that many tokens; otherwise `usage`
 * is returned as it is (the over-report is not there, so nothing is corrected). Fields not named
 * are kept, and so is `raw`.
 */
export function subtractUsage(
  usage: Usage | undefined,
  excess: Partial<Record<UsageCountField, number>>,
): Usage | undefined {
  if (!usage) return usage;
  const corrected: Usage = Object.assign(newUsage(usage.raw), usage);
  for (let i = 0; i < USAGE_COUNT_FIELDS.length; i++) {
    const field = USAGE_COUNT_FIELDS[i]!;
    const remove = excess[field];
    if (remove === undefined) continue;
    const reported = usage[field];
    if (reported === undefined || reported < remove) return usage;
    corrected[field] = reported - remove;
  }
  return corrected;
}
