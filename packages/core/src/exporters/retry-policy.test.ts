import { describe, expect, it } from 'vitest';
import { createRedactor } from './redact.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from './retry-policy.js';

describe('retry policy', () => {
  it('retries 429, 500, 502, 503, 504 only', () => {
    const retryable = [];
    for (let status = 100; status < 600; status++) if (isRetryableStatus(status)) retryable.push(status);
    expect(retryable).toEqual([429, 500, 502, 503, 504]);
  });

  it('parses Retry-After seconds and HTTP dates, clamped', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', 60_000, now)).toBe(3000);
    expect(parseRetryAfter('0', 60_000, now)).toBe(0);
    expect(parseRetryAfter('1.5', 60_000, now)).toBe(1500);
    expect(parseRetryAfter('86400', 60_000, now)).toBe(60_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', 60_000, now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', 60_000, now)).toBe(0);
    expect(parseRetryAfter('abc', 60_000, now)).toBeUndefined();
    expect(parseRetryAfter('-1', 60_000, now)).toBeUndefined();
    expect(parseRetryAfter('', 60_000, now)).toBeUndefined();
    expect(parseRetryAfter(null, 60_000, now)).toBeUndefined();
  });

  it('backs off exponentially with equal jitter, capped', () => {
    expect(backoffDelay(1, 1000, 30_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 30_000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 30_000, () => 0.5)).toBe(3000);
    expect(backoffDelay(10, 1000, 30_000, () => 1)).toBe(30_000);
    for (let retry = 1; retry < 8; retry++) {
      const delay = backoffDelay(retry, 100, 5000);
      const ceiling = Math.min(5000, 100 * 2 ** (retry - 1));
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });

  it('redacts every configured secret form and anything that looks like a credential', () => {
    const redact = createRedactor(['s3cr3t-value', 'czNjcjN0LXZhbHVl']);
    expect(redact('token s3cr3t-value and czNjcjN0LXZhbHVl')).toBe('token *** and ***');
    expect(redact('Authorization: Bearer abcdefghijkl')).not.toContain('abcdefghijkl');
  });
});

describe('utf8Length', () => {
  it('counts UTF-8 bytes exactly as TextEncoder does', async () => {
    const { utf8Length } = await import('./bytes.js');
    for (const text of ['', 'ascii', 'é', '€uro', '😀', 'a😀b€é', '\ud800x', 'x\udc00', '\ud800']) {
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
    }
  });
});
