import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Refusal } from './refusal.js';
import type { CollectorOptions } from './types.js';

type AccessOptions = Pick<CollectorOptions, 'token' | 'user' | 'password' | 'origin'>;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authorized(options: AccessOptions, header: string | undefined): boolean {
  if (options.token === undefined && options.user === undefined) return true;
  if (!header) return false;
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (options.token !== undefined && scheme?.toLowerCase() === 'bearer')
    return safeEqual(value, options.token);
  if (options.user !== undefined && scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return safeEqual(decoded, `${options.user}:${options.password}`);
  }
  return false;
}

function unauthorized(options: AccessOptions, header: string | undefined): Refusal {
  const schemes = [
    options.token !== undefined ? 'Bearer' : undefined,
    options.user !== undefined ? 'Basic' : undefined,
  ]
    .filter(Boolean)
    .join(' or ');
  return {
    status: 401,
    error: header
      ? `the Authorization header was not accepted (expected ${schemes} credentials)`
      : `missing Authorization header (expected ${schemes})`,
    headers: { 'www-authenticate': options.token !== undefined ? 'Bearer' : 'Basic realm="resourceMetrics"' },
  };
}

/** The credentials (Bearer `token`, or Basic `user`:`password`) and then the `Origin`, when required. */
export function checkAccess(options: AccessOptions, headers: IncomingHttpHeaders): Refusal | undefined {
  if (!authorized(options, headers.authorization)) return unauthorized(options, headers.authorization);
  if (options.origin === undefined || headers.origin === options.origin) return undefined;
  return {
    status: 403,
    error:
      headers.origin === undefined
        ? `missing Origin header (expected ${options.origin})`
        : `Origin ${JSON.stringify(headers.origin)} is not allowed (expected ${options.origin})`,
  };
}
