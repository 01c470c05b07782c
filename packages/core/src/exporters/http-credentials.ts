import { ConfigurationError } from '../errors/metrics-error.js';
import { type Env, HTTP_EXPORTER_ENV, nonEmpty, optionOrEnv } from './http-env.js';

/** The request headers and every form of the secret that must never be printed. */
export interface ResolvedCredentials {
  headers: Record<string, string>;
  /** Raw, base64, URL-encoded, the header value (and the Basic pair), each at least 4 characters. */
  secrets: string[];
  auth: 'basic' | 'bearer';
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Explicit options win as a whole; the environment is read only when none is given (Basic before JWT). */
function pickCredentials(
  options: { user?: string; token?: string },
  env: Env,
): { user?: string; token?: string } {
  if (options.token !== undefined || options.user !== undefined)
    return { user: nonEmpty(options.user), token: nonEmpty(options.token) };
  if (nonEmpty(env[HTTP_EXPORTER_ENV.user]) && nonEmpty(env[HTTP_EXPORTER_ENV.token]))
    return { user: nonEmpty(env[HTTP_EXPORTER_ENV.user]), token: nonEmpty(env[HTTP_EXPORTER_ENV.token]) };
  return { token: nonEmpty(env[HTTP_EXPORTER_ENV.jwtToken]) };
}

function checkedCredentials(
  options: { user?: string; token?: string },
  env: Env,
): { user?: string; token: string } {
  const { user, token } = pickCredentials(options, env);
  if (!token) {
    throw new ConfigurationError({
      option: 'token',
      message: `no credentials: pass { token } (Bearer) or { user, token } (Basic), or set ${HTTP_EXPORTER_ENV.jwtToken}, or ${HTTP_EXPORTER_ENV.user} and ${HTTP_EXPORTER_ENV.token}`,
    });
  }
  if (/[\r\n]/.test(token) || (user !== undefined && /[\r\n:]/.test(user))) {
    throw new ConfigurationError({
      option: 'token',
      message:
        'the credentials hold a line break (or the user a colon) and cannot go in an Authorization header',
    });
  }
  return user !== undefined ? { user, token } : { token };
}

function originHeader(option: string | undefined, env: Env): string | undefined {
  const origin = optionOrEnv(option, env, HTTP_EXPORTER_ENV.origin);
  if (origin !== undefined && /[\r\n]/.test(origin))
    throw new ConfigurationError({ option: 'origin', message: 'origin must be a single line' });
  return origin;
}

/**
 * `Authorization` (Basic for `user` + `token`, else Bearer) and `Origin` headers from the options
 * or the environment, with the list of secret forms for redaction. Errors never echo a secret.
 */
export function resolveCredentials(
  options: { user?: string; token?: string; origin?: string },
  env: Env,
): ResolvedCredentials {
  const { user, token } = checkedCredentials(options, env);
  const credentials = user !== undefined ? base64(`${user}:${token}`) : undefined;
  const authorization = credentials !== undefined ? `Basic ${credentials}` : `Bearer ${token}`;
  const secrets = [token, base64(token), encodeURIComponent(token), authorization];
  if (credentials !== undefined) secrets.push(credentials);
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization };
  const origin = originHeader(options.origin, env);
  if (origin !== undefined) headers.origin = origin;
  return {
    headers,
    secrets: secrets.filter((secret) => secret.length >= 4),
    auth: credentials !== undefined ? 'basic' : 'bearer',
  };
}
