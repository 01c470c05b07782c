/** Nearest-rank percentiles of a set of values. */
export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface Histogram {
  /** `counts[i]` holds values in `[edges[i], edges[i + 1])`; the last bin includes its upper edge. */
  edges: number[];
  counts: number[];
}

function rank(sorted: Float64Array, p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export function percentiles(values: Float64Array): Percentiles {
  if (values.length === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = values.slice().sort();
  return {
    count: sorted.length,
    p50: rank(sorted, 0.5),
    p90: rank(sorted, 0.9),
    p99: rank(sorted, 0.99),
    max: sorted[sorted.length - 1]!,
  };
}

/** Equal-width bins from 0 to the largest value. */
export function histogram(values: Float64Array, bins = 20): Histogram {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const width = max > 0 ? max / bins : 1;
  const edges = Array.from({ length: bins + 1 }, (_, i) => i * width);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(v / width))]!++;
  return { edges, counts };
}

/** At most `max` evenly spaced items (every item when there are fewer). */
export function sample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]!);
}
