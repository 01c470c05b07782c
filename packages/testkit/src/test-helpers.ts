import type { Usage } from '@metrics/core';
import { expect } from 'vitest';
import type { ScriptUsage } from './index.js';

/** Asserts that a usage normalized by @metrics/core equals what the script fed in. */
export function expectNormalizedUsage(usage: Usage | undefined, script: ScriptUsage): void {
  expect(usage).toBeDefined();
  expect({
    input: usage?.inputTokens,
    output: usage?.outputTokens,
    cached: usage?.cacheReadTokens ?? 0,
    cacheWrite: usage?.cacheWriteTokens ?? 0,
    reasoning: usage?.reasoningTokens ?? 0,
  }).toEqual({
    input: script.input,
    output: script.output,
    cached: script.cached ?? 0,
    cacheWrite: script.cacheWrite ?? 0,
    reasoning: script.reasoning ?? 0,
  });
}
