import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { InvocationRecorder } from '../recorder/invocation-recorder.js';
import { fromOpenAIChatUsage } from './from-openai.js';
import { sanitizeUsage } from './sanitize-usage.js';
import { addUsage } from './usage-total.js';
import { createUsage, isSealedUsage } from './usage.js';

const raw = { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 };

function recordOne(usage: unknown) {
  const diagnostics = new Diagnostics({ logger: false });
  const run = new InvocationRecorder({ providerType: 'CUSTOM_PROVIDER' }, { diagnostics });
  run.startModelCall({ model: 'm' }).end({ usage: usage as never });
  return { record: run.end()!, warnings: Object.keys(diagnostics.snapshot()) };
}

describe('sealed usages (checked once, by the core)', () => {
  it("a mapper's usage is frozen, sealed, and kept by the recorder as it is", () => {
    const usage = fromOpenAIChatUsage(raw)!;
    expect(Object.isFrozen(usage)).toBe(true);
    expect(isSealedUsage(usage)).toBe(true);
    expect(() => {
      (usage as { inputTokens?: number }).inputTokens = Number.NaN;
    }).toThrow(TypeError);
    const { record, warnings } = recordOne(usage);
    expect(record.modelCalls[0]!.usage).toBe(usage);
    expect(record.summary.usage).toMatchObject({ inputTokens: 20, outputTokens: 5, totalTokens: 25 });
    expect(warnings).toEqual([]);
  });

  it('a usage built by hand (createUsage or a literal) is still checked and repaired', () => {
    const byHand = createUsage({ inputTokens: Number.NaN, outputTokens: 3 })!;
    expect(isSealedUsage(byHand)).toBe(false);
    const { record, warnings } = recordOne(byHand);
    expect(record.modelCalls[0]!.usage).not.toBe(byHand);
    expect(record.modelCalls[0]!.usage?.inputTokens).toBeUndefined();
    expect(record.modelCalls[0]!.usage?.outputTokens).toBe(3);
    expect(warnings).toEqual(['usage.invalid']);
    const literal = recordOne({ inputTokens: -4, outputTokens: 2 });
    expect(literal.record.modelCalls[0]!.usage?.inputTokens).toBeUndefined();
    expect(literal.warnings).toEqual(['usage.invalid']);
  });

  it("sanitizeUsage seals what it repaired, and the mapper's invalid notes are frozen with it", () => {
    const repaired = sanitizeUsage({ inputTokens: 1.6, outputTokens: 2 }).usage!;
    expect(repaired.inputTokens).toBe(2);
    expect(isSealedUsage(repaired)).toBe(true);
    expect(sanitizeUsage(repaired)).toEqual({ usage: repaired, repairs: [] });
    const noted = fromOpenAIChatUsage({ prompt_tokens: Number.NaN, completion_tokens: 1 })!;
    expect(noted.invalid).toEqual(['prompt_tokens: NaN']);
    expect(Object.isFrozen(noted.invalid)).toBe(true);
  });

  it('the sum of sealed usages is sealed and kept as it is; a sum with a usage built by hand is checked', () => {
    const sum = addUsage(
      fromOpenAIChatUsage(raw),
      fromOpenAIChatUsage({ prompt_tokens: 7, completion_tokens: 1 }),
    )!;
    expect(sum).toEqual({ inputTokens: 27, outputTokens: 6, totalTokens: 33 });
    expect([isSealedUsage(sum), Object.isFrozen(sum), sum.raw]).toEqual([true, true, undefined]);
    const sealedRun = recordOne(sum);
    expect(sealedRun.record.modelCalls[0]!.usage).toBe(sum);
    expect(sealedRun.warnings).toEqual([]);
    // a count added by hand has not passed the rule: the sum is checked (6.5 is rounded)
    const mixed = addUsage(fromOpenAIChatUsage(raw), { inputTokens: 3, outputTokens: 1.5 })!;
    expect(isSealedUsage(mixed)).toBe(false);
    const mixedRun = recordOne(mixed);
    expect(mixedRun.record.modelCalls[0]!.usage).not.toBe(mixed);
    expect(mixedRun.record.modelCalls[0]!.usage).toMatchObject({ inputTokens: 23, outputTokens: 7 });
    expect(mixedRun.warnings).toEqual(['usage.invalid']);
  });
});
