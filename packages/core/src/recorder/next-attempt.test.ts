// `ModelCall.nextAttempt`: the attempt number a framework's own retry of a failed call goes on
// with, after every model call the failed one produced (each failed HTTP attempt is one).
import { describe, expect, it } from 'vitest';
import { InvocationRecorder } from './invocation-recorder.js';
import type { InvocationRecord } from './record.js';

const T0 = 1_763_892_000_000;
const MODEL = 'http://127.0.0.1:1';

function requests(call: { attemptLog(): unknown }, statuses: Array<number | 'reset'>): void {
  const log = call.attemptLog() as {
    begin(origin: string, at: number): { endedAt?: number; status?: number; error?: unknown };
  };
  statuses.forEach((status, i) => {
    const attempt = log.begin(MODEL, T0 + i * 10)!;
    attempt.endedAt = T0 + i * 10 + 5;
    if (status === 'reset') attempt.error = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    else attempt.status = status;
  });
}

describe('ModelCall.nextAttempt', () => {
  it('is undefined while open, the next number after every record the call produced once ended', () => {
    const finished: InvocationRecord[] = [];
    const run = new InvocationRecorder({ startedAt: T0 }, { onEnd: (r) => finished.push(r) });
    // the client retried a 429 and a 503, then gave up on a reset: 3 model calls
    const first = run.startModelCall({ startedAt: T0 });
    requests(first, [429, 503, 'reset']);
    expect(first.nextAttempt).toBeUndefined();
    first.fail(new Error('connection reset'), {}, T0 + 30);
    expect(first.nextAttempt).toBe(4);
    // the framework retried: a call with no HTTP attempt seen that failed (1 record), then a 500
    // the client retried before the answer (2 records)
    const second = run.startModelCall({ attempt: first.nextAttempt!, startedAt: T0 + 40 });
    second.fail(new Error('stream cut'), {}, T0 + 45);
    expect(second.nextAttempt).toBe(5);
    const third = run.startModelCall({ attempt: second.nextAttempt!, startedAt: T0 + 50 });
    requests(third, [500, 200]);
    third.end({}, T0 + 80);
    expect(third.nextAttempt).toBe(7);
    run.end({ endedAt: T0 + 90 });
    expect(finished[0]!.modelCalls.map((c) => [c.attempt, c.outcome])).toEqual([
      [1, 'error'],
      [2, 'error'],
      [3, 'error'],
      [4, 'error'],
      [5, 'error'],
      [6, 'success'],
    ]);
  });
});

describe('ModelCall.fail with an error that names no status', () => {
  it('is classified by the status of its last HTTP attempt (the outcome)', () => {
    const finished: InvocationRecord[] = [];
    const run = new InvocationRecorder({ startedAt: T0 }, { onEnd: (r) => finished.push(r) });
    const call = run.startModelCall({ startedAt: T0 });
    requests(call, [500, 503]);
    // what a tracing span keeps of the provider error: its message only
    call.fail(new Error('503 boom'), {}, T0 + 30);
    const timeout = run.startModelCall({ startedAt: T0 + 40 });
    requests(timeout, [429]);
    timeout.fail(Object.assign(new Error('timed out'), { name: 'APIConnectionTimeoutError' }), {}, T0 + 50);
    run.end({ endedAt: T0 + 60 });
    expect(finished[0]!.modelCalls.map((c) => [c.status, c.error?.category])).toEqual([
      [500, 'server'],
      [503, 'server'],
      [429, 'timeout'],
    ]);
  });
});
