/**
 * Length of the union of intervals `[start, end]`: time covered by at least one interval, so
 * overlapping (parallel) intervals are not counted twice. Sorts `intervals` in place (only when
 * they are not in start order already, the common case of sequential calls).
 */
export function unionLength(intervals: Array<[number, number]>): number {
  const n = intervals.length;
  if (n === 0) return 0;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (intervals[i]![0] < intervals[i - 1]![0]) sorted = false;
  if (!sorted) intervals.sort(byStart);
  let total = 0;
  let start = intervals[0]![0];
  let end = intervals[0]![1];
  for (let i = 1; i < n; i++) {
    const interval = intervals[i]!;
    if (interval[0] > end) {
      total += end - start;
      start = interval[0];
      end = interval[1];
    } else if (interval[1] > end) {
      end = interval[1];
    }
  }
  return total + Math.max(0, end - start);
}

function byStart(a: [number, number], b: [number, number]): number {
  return a[0] - b[0];
}
