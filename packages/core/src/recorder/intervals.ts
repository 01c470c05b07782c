/**
 * Length of the union of intervals `[start, end]`: time covered by at least one interval, so
 * overlapping (parallel) intervals are not counted twice. Sorts `intervals` in place.
 */
export function unionLength(intervals: Array<[number, number]>): number {
  if (intervals.length === 0) return 0;
  if (intervals.length === 1) return Math.max(0, intervals[0]![1] - intervals[0]![0]);
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, end] = intervals[0]!;
  for (let i = 1; i < intervals.length; i++) {
    const [s, e] = intervals[i]!;
    if (s > end) {
      total += end - start;
      start = s;
      end = e;
    } else if (e > end) {
      end = e;
    }
  }
  return total + Math.max(0, end - start);
}
