import type { InvocationRecord } from '../recorder/record.js';

/**
 * The burst scenario the adapters' burst tests share: run `n` of a burst makes two model calls, a
 * tool step with `10 + n` input and 2 output tokens that asks for the `add` tool, then the answer
 * with `20 + n` input and 3 output tokens. Its record is exact when it succeeded with both calls,
 * 30 + 2n input and 5 output tokens and one successful `add` call, and every run has its record
 * once (n is read back from the record's own input tokens).
 *
 * Returns what is wrong (at most 10 lines, then a count), empty when every record is exact:
 * `expect(burstScenarioProblems(records, RUNS)).toEqual([])`.
 */
export function burstScenarioProblems(records: readonly InvocationRecord[], runs: number): string[] {
  const problems: string[] = [];
  let more = 0;
  const note = (problem: string) => {
    if (problems.length < 10) problems.push(problem);
    else more++;
  };
  if (records.length !== runs) note(`${records.length} records for ${runs} runs`);
  const seen = new Set<number>();
  for (const record of records) {
    const input = record.summary.usage?.inputTokens ?? -1;
    const n = (input - 30) / 2;
    const which = `record ${record.runId} (input ${input})`;
    if (!Number.isInteger(n) || n < 0 || n >= runs) note(`${which}: input tokens of no run`);
    else if (seen.has(n)) note(`${which}: run ${n} recorded twice`);
    seen.add(n);
    if (record.outcome !== 'success') note(`${which}: outcome ${record.outcome}`);
    if (record.modelCalls.length !== 2) note(`${which}: ${record.modelCalls.length} model calls`);
    if (record.summary.usage?.outputTokens !== 5)
      note(`${which}: output ${record.summary.usage?.outputTokens}`);
    const tools = record.toolCalls.map((t) => `${t.name}:${t.outcome}`).join(',');
    if (tools !== 'add:success') note(`${which}: tool calls ${tools || 'none'}`);
  }
  if (seen.size !== runs) note(`${runs - seen.size} runs without a record`);
  if (more > 0) problems.push(`... and ${more} more`);
  return problems;
}
