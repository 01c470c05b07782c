import { type Fields, readFields } from './read-fields.js';
import {
  MAX_INVALID_NOTES,
  type Usage,
  isSealedUsage,
  newCheckedUsage,
  sealUsage,
  toTokenCount,
} from './usage.js';

export interface SanitizedUsage {
  usage: Usage | undefined;
  /** What was repaired, e.g. `"inputTokens: -5"`, `"outputTokens: 1.5 rounded"`; empty when nothing was. */
  repairs: string[];
}

const readUsage = (s: Fields) => ({
  inputTokens: s.inputTokens,
  outputTokens: s.outputTokens,
  totalTokens: s.totalTokens,
  cacheReadTokens: s.cacheReadTokens,
  cacheWriteTokens: s.cacheWriteTokens,
  reasoningTokens: s.reasoningTokens,
  audioInputTokens: s.audioInputTokens,
  audioOutputTokens: s.audioOutputTokens,
  reportedTotalMismatch: s.reportedTotalMismatch,
  invalid: s.invalid,
  raw: s.raw,
});

/**
 * Repairs a `Usage` handed to the recorder by the caller (it did not come through a usage
 * mapper): every count goes through the token-count rule (`toTokenCount`), so NaN, ±Infinity,
 * negative, unsafe and non-numeric values become "not reported" (noted in `invalid`) and fractions
 * are rounded. Reads the fields through a guard (`readFields`: throwing getters and proxies are
 * safe, an unreadable field is a repair) into a fresh object: the record never holds the caller's
 * object. The counts are written out field by field, not looped over by name, for the same reason
 * `readFields` exists: a read or write by a computed key is a slow generic lookup. A usage the core
 * sealed (a mapper's, or one repaired here before) is frozen and already checked: it is kept as is.
 */
export function sanitizeUsage(value: unknown): SanitizedUsage {
  if (value === undefined) return { usage: undefined, repairs: [] };
  if (isSealedUsage(value)) return { usage: value, repairs: [] };
  if (typeof value !== 'object' || value === null)
    return { usage: undefined, repairs: [`usage: ${value === null ? 'null' : typeof value}`] };
  const unreadable: string[] = [];
  const source = readFields(value, readUsage, unreadable);
  const repairs: string[] = [];
  for (let i = 0; i < unreadable.length; i++) repairs.push(`${unreadable[i]}: unreadable`);
  const invalid: string[] = [];
  const counts = new CountReader(invalid, repairs);
  const usage = newCheckedUsage(source.raw);
  const inputTokens = counts.read(source.inputTokens, 'inputTokens');
  if (inputTokens !== undefined) usage.inputTokens = inputTokens;
  const outputTokens = counts.read(source.outputTokens, 'outputTokens');
  if (outputTokens !== undefined) usage.outputTokens = outputTokens;
  const totalTokens = counts.read(source.totalTokens, 'totalTokens');
  if (totalTokens !== undefined) usage.totalTokens = totalTokens;
  const cacheReadTokens = counts.read(source.cacheReadTokens, 'cacheReadTokens');
  if (cacheReadTokens !== undefined) usage.cacheReadTokens = cacheReadTokens;
  const cacheWriteTokens = counts.read(source.cacheWriteTokens, 'cacheWriteTokens');
  if (cacheWriteTokens !== undefined) usage.cacheWriteTokens = cacheWriteTokens;
  const reasoningTokens = counts.read(source.reasoningTokens, 'reasoningTokens');
  if (reasoningTokens !== undefined) usage.reasoningTokens = reasoningTokens;
  const audioInputTokens = counts.read(source.audioInputTokens, 'audioInputTokens');
  if (audioInputTokens !== undefined) usage.audioInputTokens = audioInputTokens;
  const audioOutputTokens = counts.read(source.audioOutputTokens, 'audioOutputTokens');
  if (audioOutputTokens !== undefined) usage.audioOutputTokens = audioOutputTokens;
  if (source.reportedTotalMismatch === true) usage.reportedTotalMismatch = true;
  const kept = copyNotes(source.invalid, invalid);
  if (kept.length > 0) usage.invalid = kept;
  if (!counts.reported && kept.length === 0) return { usage: undefined, repairs };
  return { usage: sealUsage(usage), repairs };
}

/** Applies the token-count rule to the counts of one usage, noting what it repaired. */
class CountReader {
  reported = false;

  constructor(
    private readonly invalid: string[],
    private readonly repairs: string[],
  ) {}

  read(value: unknown, field: string): number | undefined {
    if (value === undefined) return undefined;
    const before = this.invalid.length;
    const count = toTokenCount(value, field, this.invalid);
    if (this.invalid.length > before) this.repairs.push(this.invalid[this.invalid.length - 1]!);
    else if (typeof value === 'number' && count !== value) this.repairs.push(`${field}: ${value} rounded`);
    if (count !== undefined) this.reported = true;
    return count;
  }
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
