import { describe, expect, it } from 'vitest';
import { checkAccess } from './access.js';
import { FaultQueue } from './faults.js';

describe('checkAccess', () => {
  const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

  it('accepts the configured Bearer token or Basic pair, and refuses the rest with 401', () => {
    expect(checkAccess({}, {})).toBeUndefined();
    expect(checkAccess({ token: 't0k' }, { authorization: 'Bearer t0k' })).toBeUndefined();
    expect(checkAccess({ user: 'u', password: 'p' }, { authorization: basic('u:p') })).toBeUndefined();
    const wrong = checkAccess({ user: 'u', password: 'p' }, { authorization: basic('u:x') });
    expect(wrong).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': 'Basic realm="resourceMetrics"' },
    });
    expect(checkAccess({ token: 't0k' }, {})?.error).toBe('missing Authorization header (expected Bearer)');
  });

  it('checks the Origin after the credentials', () => {
    expect(checkAccess({ origin: 'https://a.example' }, { origin: 'https://a.example' })).toBeUndefined();
    expect(checkAccess({ origin: 'https://a.example' }, {})).toMatchObject({ status: 403 });
    expect(checkAccess({ token: 't', origin: 'https://a.example' }, {})).toMatchObject({ status: 401 });
  });
});

describe('FaultQueue', () => {
  it('answers requests in order, then nothing', () => {
    const faults = new FaultQueue();
    faults.failNext(2, 503, { retryAfter: 0 });
    faults.dropNext(1);
    expect([faults.next(), faults.next(), faults.next(), faults.next()]).toEqual([
      { kind: 'fail', status: 503, retryAfter: 0 },
      { kind: 'fail', status: 503, retryAfter: 0 },
      { kind: 'drop' },
      undefined,
    ]);
    expect(() => faults.failNext(1, 42)).toThrow('failNext: status must be an HTTP status, got 42');
  });
});
