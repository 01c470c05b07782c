/** A span of time in epoch ms, such as a model call's record. */
export interface TimeSpan {
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * Length of the union of time spans: time covered by at least one span, so overlapping (parallel)
 * spans are not counted twice. Reads the spans in place when they are in start order already (the
 * common case of sequential calls), a sorted copy otherwise; `spans` is never reordered.
 */
export function unionLength(spans: readonly TimeSpan[]): number {
  const n = spans.length;
  if (n === 0) return 0;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (spans[i]!.startedAt < spans[i - 1]!.startedAt) sorted = false;
  const ordered = sorted ? spans : spans.slice().sort(byStart);
  let total = 0;
  let start = ordered[0]!.startedAt;
  let end = ordered[0]!.endedAt;
  for (let i = 1; i < n; i++) {
    const span = ordered[i]!;
    if (span.startedAt > end) {
      total += end - start;
      start = span.startedAt;
      end = span.endedAt;
    } else if (span.endedAt > end) {
      end = span.endedAt;
    }
  }
  return total + Math.max(0, end - start);
}

function byStart(a: TimeSpan, b: TimeSpan): number {
  return a.startedAt - b.startedAt;
}
