import { MAX_TOKEN_COUNT, type Usage } from './usage.js';

const MAX_INVALID_NOTES = 16;

/**
 * A running sum of usages: the rule of adding two usages, stated once (`addUsage` is a total of
 * two). Each count is exact: unknown + unknown stays unknown, a reported count is kept, and a sum
 * past `MAX_TOKEN_COUNT` saturates there. The `raw` objects are not carried into sums.
 *
 * The counts live in fields of their own and are added in place, written out field by field: a
 * run sums every model call's usage when it ends, so a total of N calls builds one object, not N,
 * and calls no helper per count.
 */
export class UsageTotal {
  private added = false;
  private inputTokens: number | undefined = undefined;
  private outputTokens: number | undefined = undefined;
  private totalTokens: number | undefined = undefined;
  private cacheReadTokens: number | undefined = undefined;
  private cacheWriteTokens: number | undefined = undefined;
  private reasoningTokens: number | undefined = undefined;
  private audioInputTokens: number | undefined = undefined;
  private audioOutputTokens: number | undefined = undefined;
  private reportedTotalMismatch = false;
  private invalid: string[] | undefined = undefined;

  add(usage: Usage | undefined): void {
    if (!usage) return;
    this.added = true;
    let n = usage.inputTokens;
    if (n !== undefined)
      this.inputTokens = this.inputTokens === undefined ? n : Math.min(this.inputTokens + n, MAX_TOKEN_COUNT);
    n = usage.outputTokens;
    if (n !== undefined)
      this.outputTokens =
        this.outputTokens === undefined ? n : Math.min(this.outputTokens + n, MAX_TOKEN_COUNT);
    n = usage.totalTokens;
    if (n !== undefined)
      this.totalTokens = this.totalTokens === undefined ? n : Math.min(this.totalTokens + n, MAX_TOKEN_COUNT);
    n = usage.cacheReadTokens;
    if (n !== undefined)
      this.cacheReadTokens =
        this.cacheReadTokens === undefined ? n : Math.min(this.cacheReadTokens + n, MAX_TOKEN_COUNT);
    n = usage.cacheWriteTokens;
    if (n !== undefined)
      this.cacheWriteTokens =
        this.cacheWriteTokens === undefined ? n : Math.min(this.cacheWriteTokens + n, MAX_TOKEN_COUNT);
    n = usage.reasoningTokens;
    if (n !== undefined)
      this.reasoningTokens =
        this.reasoningTokens === undefined ? n : Math.min(this.reasoningTokens + n, MAX_TOKEN_COUNT);
    n = usage.audioInputTokens;
    if (n !== undefined)
      this.audioInputTokens =
        this.audioInputTokens === undefined ? n : Math.min(this.audioInputTokens + n, MAX_TOKEN_COUNT);
    n = usage.audioOutputTokens;
    if (n !== undefined)
      this.audioOutputTokens =
        this.audioOutputTokens === undefined ? n : Math.min(this.audioOutputTokens + n, MAX_TOKEN_COUNT);
    if (usage.reportedTotalMismatch) this.reportedTotalMismatch = true;
    const notes = usage.invalid;
    if (notes && notes.length > 0) {
      if (this.invalid === undefined) this.invalid = [];
      const invalid = this.invalid;
      for (let i = 0; i < notes.length && invalid.length < MAX_INVALID_NOTES; i++) invalid.push(notes[i]!);
    }
  }

  /** The sum as a `Usage`: `undefined` when no usage was added. */
  toUsage(): Usage | undefined {
    if (!this.added) return undefined;
    const sum: Usage = {};
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
    return sum;
  }
}

/**
 * Adds two usages exactly (the rule above); `raw` is not carried into the sum. A usage added to
 * nothing is returned as it is when it has no `raw`.
 */
export function addUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!b && (!a || a.raw === undefined)) return a;
  if (!a && b!.raw === undefined) return b;
  const total = new UsageTotal();
  total.add(a);
  total.add(b);
  return total.toUsage();
}
