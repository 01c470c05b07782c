import { describe, expect, it } from 'vitest';
import { AttemptLog, isFailedAttempt } from './attempt-log.js';

function request(
  log: AttemptLog,
  origin: string,
  startedAt: number,
  endedAt: number | undefined,
  status?: number,
  path?: string,
) {
  const attempt = log.begin(origin, startedAt, path)!;
  attempt.endedAt = endedAt;
  attempt.status = status;
  return attempt;
}

describe('AttemptLog', () => {
  it("the call's origin is the one whose request ended last", () => {
    const log = new AttemptLog();
    request(log, 'http://tracer', 0, 5, 500); // a hook's upload before the model request
    request(log, 'http://model', 1, 10, 429);
    request(log, 'http://tracer', 12, undefined); // still in flight when the call ends
    request(log, 'http://model', 20, 30, 200);
    expect(log.attempts().map((a) => [a.origin, a.status])).toEqual([
      ['http://model', 429],
      ['http://model', 200],
    ]);
  });

  it('the one origin sent model API requests wins, whenever the other requests ran', () => {
    const log = new AttemptLog();
    request(log, 'http://model', 0, 10, 429, '/v1/chat/completions');
    request(log, 'http://model', 20, 30, 200, '/v1/chat/completions');
    request(log, 'http://tracer', 31, 35, 429, '/collect/spans'); // inline upload after the answer
    expect(log.attempts().map((a) => a.status)).toEqual([429, 200]);
    const gemini = new AttemptLog();
    request(gemini, 'http://tracer', 0, 1, 500, '/ingest');
    request(gemini, 'http://g', 2, 5, 200, '/v1beta/models/gemini:generateContent');
    request(gemini, 'http://tracer', 6, 7, 500, '/ingest');
    expect(gemini.attempts().map((a) => a.origin)).toEqual(['http://g']);
  });

  it('with nothing finished, the first request decides; a single origin is kept as is', () => {
    const log = new AttemptLog();
    request(log, 'http://a', 0, undefined);
    request(log, 'http://b', 1, undefined);
    expect(log.attempts().map((a) => a.origin)).toEqual(['http://a']);
    const single = new AttemptLog();
    request(single, 'http://a', 0, 1, 503);
    request(single, 'http://a', 2, 3, 200);
    expect(single.attempts().map(isFailedAttempt)).toEqual([true, false]);
  });

  it('is bounded: past 64 requests nothing more is noted', () => {
    const log = new AttemptLog();
    for (let i = 0; i < 70; i++) log.begin('http://a', i);
    expect(log.attempts()).toHaveLength(64);
    expect(log.begin('http://a', 99)).toBeUndefined();
  });

  it('is a scope that ends when closed', () => {
    const log = new AttemptLog();
    expect([log.ended, log.attemptLog()]).toEqual([false, log]);
    log.close();
    expect(log.ended).toBe(true);
  });
});
