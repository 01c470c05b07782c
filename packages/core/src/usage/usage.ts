/**
 * Normalized token usage of one model call (or a sum of calls).
 *
 * A field that is `undefined` was not reported; `0` was reported as zero.
 * `inputTokens` includes cached input tokens; `outputTokens` includes reasoning tokens.
 */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  audioInputTokens?: number;
  audioOutputTokens?: number;
  /** The provider reported a total different from input + output; `totalTokens` keeps the reported value. */
  reportedTotalMismatch?: boolean;
  /** Reported values that were dropped by the token-count rule, e.g. `"inputTokens: NaN"`. */
  invalid?: readonly string[];
  /** The provider's own usage object (not enumerable, so never serialized by exporters). */
  readonly raw?: unknown;
}

export const USAGE_COUNT_FIELDS = [
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'audioInputTokens',
  'audioOutputTokens',
] as const;

export type UsageCountField = (typeof USAGE_COUNT_FIELDS)[number];

/** The largest token count kept exactly; larger reported values are dropped, sums saturate here. */
export const MAX_TOKEN_COUNT = Number.MAX_SAFE_INTEGER;
/** Most notes a usage keeps in `invalid`. */
export const MAX_INVALID_NOTES = 16;

/**
 * The token-count rule, applied to every number read from a provider:
 * - `undefined`/`null`: not reported.
 * - a finite number ≥ 0: kept; a fraction is rounded to the nearest integer.
 * - a decimal string of digits (`"42"`) or a bigint: converted.
 * - NaN, ±Infinity, negative numbers, values above `MAX_TOKEN_COUNT`, other strings and objects:
 *   dropped (treated as not reported) and noted in `invalid`.
 */
export function toTokenCount(
  value: unknown,
  field: string,
  invalid: string[] | undefined,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) n = Number(value);
  else if (typeof value === 'bigint')
    n = value >= 0n && value <= BigInt(MAX_TOKEN_COUNT) ? Number(value) : Number.NaN;
  else n = Number.NaN;
  if (Number.isFinite(n) && n >= 0) {
    const rounded = Number.isInteger(n) ? n : Math.round(n);
    if (rounded <= MAX_TOKEN_COUNT) return rounded;
  }
  if (invalid && invalid.length < MAX_INVALID_NOTES) invalid.push(`${field}: ${describeInvalid(value)}`);
  return undefined;
}

function describeInvalid(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.length > 20 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  return Array.isArray(value) ? 'array' : typeof value;
}

/** Adds two counts exactly: unknown + unknown stays unknown; a sum past `MAX_TOKEN_COUNT` saturates. */
export function addTokenCounts(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const sum = a + b;
  return Math.min(sum, MAX_TOKEN_COUNT);
}

/**
 * True when at least one token count was reported.
 *
 * Here and below the counts are written out field by field rather than looped over by name: a
 * read or write by a computed key (`usage[field]`) is a slow generic lookup, and these run for
 * every model call.
 */
export function isUsageReported(usage: Usage | undefined): boolean {
  if (!usage) return false;
  return (
    usage.inputTokens !== undefined ||
    usage.outputTokens !== undefined ||
    usage.totalTokens !== undefined ||
    usage.cacheReadTokens !== undefined ||
    usage.cacheWriteTokens !== undefined ||
    usage.reasoningTokens !== undefined ||
    usage.audioInputTokens !== undefined ||
    usage.audioOutputTokens !== undefined
  );
}

/**
 * A usage that keeps the provider's own object as `raw`: a private field read through a getter
 * on the prototype, so it is never an own enumerable property (exporters never serialize it, a
 * spread does not copy it) without the cost of `Object.defineProperty` on every model call.
 */
class UsageWithRaw implements Usage {
  readonly #raw: unknown;

  constructor(raw: unknown) {
    this.#raw = raw;
  }

  get raw(): unknown {
    return this.#raw;
  }
}

/** An empty `Usage` to fill in, carrying `raw` when given. */
export function newUsage(raw: unknown): Usage {
  return raw === undefined ? {} : new UsageWithRaw(raw);
}

/**
 * A usage the core checked (`sealUsage`): its class is the mark, which user code cannot forge
 * (the class is not exported; a spread or a copy is a plain object) and a frozen instance cannot
 * lose. `raw` is kept as in `UsageWithRaw`.
 */
class CheckedUsage implements Usage {
  readonly #raw: unknown;

  constructor(raw: unknown) {
    this.#raw = raw;
  }

  get raw(): unknown {
    return this.#raw;
  }

  static is(value: object): boolean {
    return #raw in value;
  }
}

/** An empty usage to fill in with counts that pass the token-count rule, then `sealUsage`. */
export function newCheckedUsage(raw: unknown): Usage {
  return new CheckedUsage(raw);
}

export interface UsageFields {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  reportedTotalTokens?: number | undefined;
  cacheReadTokens?: number | undefined;
  cacheWriteTokens?: number | undefined;
  reasoningTokens?: number | undefined;
  audioInputTokens?: number | undefined;
  audioOutputTokens?: number | undefined;
}

/**
 * Builds a `Usage` from already-sanitized fields: `totalTokens` is input + output unless the
 * provider reported a total, which is kept (and flagged when it differs). Returns `undefined`
 * when nothing was reported.
 */
export function createUsage(fields: UsageFields, raw?: unknown, invalid?: string[]): Usage | undefined {
  return fillUsage(newUsage(raw), fields, invalid);
}

function fillUsage(usage: Usage, fields: UsageFields, invalid: string[] | undefined): Usage | undefined {
  const { inputTokens, outputTokens, reportedTotalTokens } = fields;
  if (inputTokens !== undefined) usage.inputTokens = inputTokens;
  if (outputTokens !== undefined) usage.outputTokens = outputTokens;
  const computed =
    inputTokens === undefined && outputTokens === undefined
      ? undefined
      : addTokenCounts(inputTokens ?? 0, outputTokens ?? 0);
  if (reportedTotalTokens !== undefined) {
    usage.totalTokens = reportedTotalTokens;
    if (computed !== undefined && computed !== reportedTotalTokens) usage.reportedTotalMismatch = true;
  } else if (computed !== undefined) {
    usage.totalTokens = computed;
  }
  if (fields.cacheReadTokens !== undefined) usage.cacheReadTokens = fields.cacheReadTokens;
  if (fields.cacheWriteTokens !== undefined) usage.cacheWriteTokens = fields.cacheWriteTokens;
  if (fields.reasoningTokens !== undefined) usage.reasoningTokens = fields.reasoningTokens;
  if (fields.audioInputTokens !== undefined) usage.audioInputTokens = fields.audioInputTokens;
  if (fields.audioOutputTokens !== undefined) usage.audioOutputTokens = fields.audioOutputTokens;
  if (invalid && invalid.length > 0) usage.invalid = invalid;
  if (!isUsageReported(usage) && !usage.invalid) return undefined;
  return usage;
}

/**
 * Usages the core built from a provider's counts (the usage mappers and `sanitizeUsage`): every
 * count has passed the token-count rule, and the object is frozen, so none can have changed since.
 * The recorder takes such a usage as it is rather than checking every count again on each model
 * call. A usage built any other way (a literal, `createUsage`, another copy of the core) is checked.
 */
export function sealUsage(usage: Usage): Usage {
  if (usage.invalid) Object.freeze(usage.invalid);
  return Object.freeze(usage);
}

/**
 * True for a usage the core checked and sealed: its counts need no second check. Every
 * `CheckedUsage` that leaves this module is sealed (`mappedUsage`, `sanitizeUsage`), so the class
 * is the whole test.
 */
export function isSealedUsage(value: unknown): value is Usage {
  return typeof value === 'object' && value !== null && CheckedUsage.is(value);
}

/** `createUsage` for the usage mappers, whose fields all went through `toTokenCount`: sealed. */
export function mappedUsage(fields: UsageFields, raw: unknown, invalid: string[]): Usage | undefined {
  const usage = fillUsage(new CheckedUsage(raw), fields, invalid);
  return usage === undefined ? undefined : sealUsage(usage);
}
