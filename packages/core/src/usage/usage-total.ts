import {
  MAX_INVALID_NOTES,
  type Usage,
  addTokenCounts,
  isSealedUsage,
  newCheckedUsage,
  sealUsage,
} from './usage.js';

/**
 * A running sum of usages: the rule of adding two usages, stated once (`addUsage` is a total of
 * two). Each count is exact: unknown + unknown stays unknown, a reported count is kept, and a sum
 * saturates at `MAX_TOKEN_COUNT`. The `raw` objects are not carried into sums.
 *
 * The counts live in fields of their own and are added in place (`addTokenCounts`, the one rule),
 * written out field by field: a run sums every model call's usage when it ends, so a total of N
 * calls builds one object, not N.
 */
export class UsageTotal {
  // declared and set in the constructor: initialized fields are set by a function of their own
  declare private added: boolean;
  declare private inputTokens: number | undefined;
  declare private outputTokens: number | undefined;
  declare private totalTokens: number | undefined;
  declare private cacheReadTokens: number | undefined;
  declare private cacheWriteTokens: number | undefined;
  declare private reasoningTokens: number | undefined;
  declare private audioInputTokens: number | undefined;
  declare private audioOutputTokens: number | undefined;
  declare private reportedTotalMismatch: boolean;
  declare private invalid: string[] | undefined;

  constructor() {
    this.added = false;
    this.inputTokens = undefined;
    this.outputTokens = undefined;
    this.totalTokens = undefined;
    this.cacheReadTokens = undefined;
    this.cacheWriteTokens = undefined;
    this.reasoningTokens = undefined;
    this.audioInputTokens = undefined;
    this.audioOutputTokens = undefined;
    this.reportedTotalMismatch = false;
    this.invalid = undefined;
  }

  add(usage: Usage | undefined): void {
    if (!usage) return;
    this.added = true;
    // a count the usage does not report leaves the total as it is (the rule's `a + unknown = a`):
    // skipped without a call, as most usages report three or four of the eight
    const { inputTokens, outputTokens, totalTokens, cacheReadTokens, cacheWriteTokens } = usage;
    const { reasoningTokens, audioInputTokens, audioOutputTokens } = usage;
    if (inputTokens !== undefined) this.inputTokens = addTokenCounts(this.inputTokens, inputTokens);
    if (outputTokens !== undefined) this.outputTokens = addTokenCounts(this.outputTokens, outputTokens);
    if (totalTokens !== undefined) this.totalTokens = addTokenCounts(this.totalTokens, totalTokens);
    if (cacheReadTokens !== undefined)
      this.cacheReadTokens = addTokenCounts(this.cacheReadTokens, cacheReadTokens);
    if (cacheWriteTokens !== undefined)
      this.cacheWriteTokens = addTokenCounts(this.cacheWriteTokens, cacheWriteTokens);
    if (reasoningTokens !== undefined)
      this.reasoningTokens = addTokenCounts(this.reasoningTokens, reasoningTokens);
    if (audioInputTokens !== undefined)
      this.audioInputTokens = addTokenCounts(this.audioInputTokens, audioInputTokens);
    if (audioOutputTokens !== undefined)
      this.audioOutputTokens = addTokenCounts(this.audioOutputTokens, audioOutputTokens);
    if (usage.reportedTotalMismatch) this.reportedTotalMismatch = true;
    const notes = usage.invalid;
    if (notes && notes.length > 0) {
      if (this.invalid === undefined) this.invalid = [];
      const invalid = this.invalid;
      for (let i = 0; i < notes.length && invalid.length < MAX_INVALID_NOTES; i++) invalid.push(notes[i]!);
    }
  }

  /**
   * The sum as a `Usage`: `undefined` when no usage was added. `sealed`: every usage added was one
   * the core sealed, so the sum's counts passed the token-count rule too and it is sealed (the
   * recorder takes it without checking each count again).
   */
  toUsage(sealed = false): Usage | undefined {
    if (!this.added) return undefined;
    const sum: Usage = sealed ? newCheckedUsage(undefined) : {};
    if (this.inputTokens !== undefined) sum.inputTokens = this.inputTokens;
    if (this.outputTokens !== undefined) sum.outputTokens = this.outputTokens;
    if (this.totalTokens !== undefined) sum.totalTokens = this.totalTokens;
    if (this.cacheReadTokens !== undefined) sum.cacheReadTokens = this.cacheReadTokens;
    if (this.cacheWriteTokens !== undefined) sum.cacheWriteTokens = this.cacheWriteTokens;
    if (this.reasoningTokens !== undefined) sum.reasoningTokens = this.reasoningTokens;
    if (this.audioInputTokens !== undefined) sum.audioInputTokens = this.audioInputTokens;
    if (this.audioOutputTokens !== undefined) sum.audioOutputTokens = this.audioOutputTokens;
    if (this.reportedTotalMismatch) sum.reportedTotalMismatch = true;
    if (this.invalid) sum.invalid = this.invalid.slice();
    return sealed ? sealUsage(sum) : sum;
  }
}

/**
 * Adds two usages exactly (the rule above); `raw` is not carried into the sum. A usage added to
 * nothing is returned as it is when it has no `raw`; the sum of two sealed usages is sealed.
 */
export function addUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!b && (!a || a.raw === undefined)) return a;
  if (!a && b!.raw === undefined) return b;
  const total = new UsageTotal();
  total.add(a);
  total.add(b);
  return total.toUsage((!a || isSealedUsage(a)) && (!b || isSealedUsage(b)));
}
