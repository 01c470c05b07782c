import type { RunRow } from '../store/run-row.js';

/** Runs per time bucket: the "runs over time" chart. */
export interface Timeline {
  /** Start of the first bucket, epoch ms. */
  start: number;
  bucketMs: number;
  runs: number[];
  errorRuns: number[];
  totalTokens: number[];
}

const STEPS_MS = [
  1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000, 604_800_000,
];

/** The smallest step that gives at most `maxBuckets` buckets over `spanMs`. */
export function bucketSize(spanMs: number, maxBuckets: number): number {
  for (const step of STEPS_MS) if (spanMs / step < maxBuckets) return step;
  return Math.ceil(spanMs / maxBuckets / 86_400_000) * 86_400_000;
}

export function timeline(rows: readonly RunRow[], maxBuckets = 120): Timeline {
  if (rows.length === 0) return { start: 0, bucketMs: 1000, runs: [], errorRuns: [], totalTokens: [] };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    if (row.startedAt < min) min = row.startedAt;
    if (row.startedAt > max) max = row.startedAt;
  }
  const bucketMs = bucketSize(max - min, maxBuckets);
  const start = Math.floor(min / bucketMs) * bucketMs;
  const length = Math.floor((max - start) / bucketMs) + 1;
  const result: Timeline = {
    start,
    bucketMs,
    runs: new Array(length).fill(0),
    errorRuns: new Array(length).fill(0),
    totalTokens: new Array(length).fill(0),
  };
  for (const row of rows) {
    const i = Math.floor((row.startedAt - start) / bucketMs);
    result.runs[i]!++;
    if (row.outcome === 'error') result.errorRuns[i]!++;
    result.totalTokens[i]! += row.totalTokens;
  }
  return result;
}
