import { readField } from './read-fields.js';
import { USAGE_COUNT_FIELDS, type Usage, toTokenCount } from './usage.js';

const MAX_INVALID_NOTES = 16;

export interface SanitizedUsage {
  usage: Usage | undefined;
  /** What was repaired, e.g. `"inputTokens: -5"`, `"outputTokens: 1.5 rounded"`; empty when nothing was. */
  repairs: string[];
}

/**
 * Repairs a `Usage` handed to the recorder by the caller (it did not come through a usage
 * mapper): every count goes through the token-count rule (`toTokenCount`), so NaN, ±Infinity,
 * negative, unsafe and non-numeric values become "not reported" (noted in `invalid`) and fractions
 * are rounded. Reads every field once, through a guard (throwing getters and proxies are safe),
 * into a fresh object: the record never holds the caller's object.
 */
export function sanitizeUsage(value: unknown): SanitizedUsage {
  if (value === undefined) return { usage: undefined, repairs: [] };
  if (typeof value !== 'object' || value === null)
    return { usage: undefined, repairs: [`usage: ${value === null ? 'null' : typeof value}`] };
  const usage: Usage = {};
  const invalid: string[] = [];
  const repairs: string[] = [];
  let reported = false;
  for (let i = 0; i < USAGE_COUNT_FIELDS.length; i++) {
    const field = USAGE_COUNT_FIELDS[i]!;
    let raw: unknown;
    try {
      raw = (value as Record<string, unknown>)[field];
    } catch {
      repairs.push(`${field}: unreadable`);
      continue;
    }
    const before = invalid.length;
    const count = toTokenCount(raw, field, invalid);
    if (invalid.length > before) repairs.push(invalid[invalid.length - 1]!);
    else if (typeof raw === 'number' && count !== raw) repairs.push(`${field}: ${raw} rounded`);
    if (count !== undefined) {
      usage[field] = count;
      reported = true;
    }
  }
  if (readField(value, 'reportedTotalMismatch') === true) usage.reportedTotalMismatch = true;
  const notes = readField(value, 'invalid');
  const kept = copyNotes(notes, invalid);
  if (kept.length > 0) usage.invalid = kept;
  if (!reported && kept.length === 0) return { usage: undefined, repairs };
  const raw = readField(value, 'raw');
  if (raw !== undefined) Object.defineProperty(usage, 'raw', { value: raw, enumerable: false });
  return { usage, repairs };
}

function copyNotes(notes: unknown, fresh: string[]): string[] {
  const out: string[] = [];
  if (Array.isArray(notes)) {
    try {
      for (let i = 0; i < notes.length && out.length < MAX_INVALID_NOTES; i++) {
        const note = notes[i];
        if (typeof note === 'string') out.push(note.slice(0, 200));
      }
    } catch {
      // a hostile array: keep what was read
    }
  }
  for (let i = 0; i < fresh.length && out.length < MAX_INVALID_NOTES; i++) out.push(fresh[i]!);
  return out;
}
