import { ConfigurationError } from '../errors/metrics-error.js';
import { type Env, HTTP_EXPORTER_ENV, envFlag, optionOrEnv } from './http-env.js';

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
  );
}

function endpointError(message: string, cause?: Error): ConfigurationError {
  return new ConfigurationError({ option: 'endpoint', message, ...(cause ? { cause } : {}) });
}

function parseEndpoint(endpoint: string): URL {
  try {
    return new URL(endpoint);
  } catch (cause) {
    throw new ConfigurationError({
      option: 'endpoint',
      message: 'the endpoint is not an absolute URL',
      cause: cause instanceof Error ? new Error(cause.name) : undefined,
    });
  }
}

/**
 * The ingestion endpoint (option, else `AI_METRICS_ENDPOINT`): an absolute `https:` URL without
 * credentials in it; plain `http:` only for loopback or with `allowInsecureHttp`. Errors name the
 * origin at most, never the path or query (which may hold tokens).
 */
export function resolveEndpoint(options: { endpoint?: string; allowInsecureHttp?: boolean }, env: Env): URL {
  const endpoint = optionOrEnv(options.endpoint, env, HTTP_EXPORTER_ENV.endpoint);
  if (!endpoint)
    throw endpointError(`no ingestion endpoint: pass { endpoint } or set ${HTTP_EXPORTER_ENV.endpoint}`);
  const url = parseEndpoint(endpoint);
  if (url.username || url.password)
    throw endpointError('the endpoint must not carry credentials in the URL; pass { user, token } instead');
  const allowInsecureHttp = options.allowInsecureHttp ?? envFlag(env, HTTP_EXPORTER_ENV.allowInsecureHttp);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw endpointError(`the endpoint must be https, got ${url.protocol}`);
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !allowInsecureHttp) {
    throw endpointError(
      `the endpoint ${url.origin} is plain http and not loopback: use https, or set allowInsecureHttp (credentials would travel unencrypted)`,
    );
  }
  return url;
}
