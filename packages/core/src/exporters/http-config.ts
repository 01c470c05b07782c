import type { DiagnosticListener, Diagnostics } from '../diagnostics.js';
import { ConfigurationError } from '../errors/metrics-error.js';
import { type ProviderType, isProviderType } from '../schema/provider-types.js';
import {
  MAX_RECORDS_PER_REQUEST,
  MAX_REQUEST_BYTES,
  PROMPT_TYPES,
  type PromptType,
} from '../schema/resource-metric.js';
import { resolveDiagnosticsOption } from './diagnostics-option.js';
import { hideSecrets } from './hide-secrets.js';
import { resolveCredentials } from './http-credentials.js';
import { resolveEndpoint } from './http-endpoint.js';
import { type Env, HTTP_EXPORTER_ENV, defaultEnv, nonEmpty, optionOrEnv } from './http-env.js';

export { HTTP_EXPORTER_ENV } from './http-env.js';

/** What the exporter does with a new record when the queue is full. */
export type DropPolicy = 'drop-newest' | 'drop-oldest';

export interface ResourceMetricsExporterOptions {
  /** Where to POST. Env `AI_METRICS_ENDPOINT`. Required; `https:` unless loopback or `allowInsecureHttp`. */
  endpoint?: string;
  /** `extAccountAliasId` of every record. Env `EXT_ACCOUNT_ALIAS_ID`. Required. */
  accountId?: string;
  /** Overrides each record's provider type. Env `PROVIDER_TYPE`. Default: the record's own. */
  providerType?: ProviderType;
  /** `promptType` of every record. Default `CHAT`. */
  promptType?: PromptType;
  /** `Origin` header, sent only when set. Env `AI_METRICS_ORIGIN`. */
  origin?: string;
  /**
   * The secret: with `user` it is the Basic password, alone it is a Bearer token.
   * Env: `AI_METRICS_USER` + `AI_METRICS_TOKEN` (Basic), else `AI_METRICS_JWT_TOKEN` (Bearer).
   */
  token?: string;
  /** The Basic user, e.g. `BOOMI_TOKEN.<user email>`. Env `AI_METRICS_USER`. */
  user?: string;
  /** Allow a plain `http:` endpoint that is not loopback. Env `AI_METRICS_ALLOW_INSECURE_HTTP=true`. Default false. */
  allowInsecureHttp?: boolean;
  /** Records per request, 1..50. Default 50. */
  maxBatchSize?: number;
  /** UTF-8 bytes per request body, up to 5 MiB. Default 5 MiB (5 × 1024 × 1024). */
  maxBatchBytes?: number;
  /** How long a partial batch waits for more records before it is sent. Default 1000 ms. */
  batchDelayMs?: number;
  /** Records waiting to be sent (not counting in-flight requests). Default 2048. */
  maxQueueSize?: number;
  /** When the queue is full: drop the new record (`drop-newest`, default) or the oldest queued one. */
  dropPolicy?: DropPolicy;
  /** Concurrent requests. Default 4. */
  maxConcurrentRequests?: number;
  /** Per-attempt deadline (headers and body). Default 10000 ms. */
  requestTimeoutMs?: number;
  /** Retries after the first attempt, for 429/500/502/503/504, timeouts and network errors. Default 5. */
  maxRetries?: number;
  /** First backoff. Default 1000 ms; doubles per retry up to `retryMaxDelayMs`, with jitter. */
  retryInitialDelayMs?: number;
  /** Largest backoff. Default 30000 ms. */
  retryMaxDelayMs?: number;
  /** Cap on an honoured `Retry-After`. Default 60000 ms. */
  maxRetryAfterMs?: number;
  /** `shutdown()` deadline. Default 5000 ms. */
  shutdownTimeoutMs?: number;
  /** Most response bytes read (the rest is discarded). Default 64 KiB. */
  maxResponseBytes?: number;
  /** Where diagnostics go: an existing channel (e.g. `metrics.diagnostics`) or a listener. */
  diagnostics?: Diagnostics | DiagnosticListener;
  /** Where warnings are printed (rate-limited) when no `Diagnostics` is given; `false` for nowhere. */
  logger?: Pick<Console, 'warn'> | false;
  /** A `fetch` implementation. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Environment to read; default `process.env` when there is one. Pass `{}` to ignore the environment. */
  env?: Record<string, string | undefined>;
  /**
   * Serverless: called with a promise that settles when what was exported so far is delivered
   * (e.g. Vercel/Cloudflare `waitUntil`), so the platform keeps the instance alive for it.
   */
  waitUntil?: (promise: Promise<unknown>) => void;
}

export interface ResolvedResourceMetricsExporterOptions {
  url: string;
  /** `scheme://host:port`, what diagnostics name (never the path or query, which may hold tokens). */
  endpointOrigin: string;
  accountId: string;
  providerType: ProviderType | undefined;
  promptType: PromptType | undefined;
  headers: Record<string, string>;
  /** Every form of the secret that must never be printed: raw, base64, URL-encoded, the header value. */
  secrets: readonly string[];
  auth: 'basic' | 'bearer';
  maxBatchSize: number;
  maxBatchBytes: number;
  batchDelayMs: number;
  maxQueueSize: number;
  dropPolicy: DropPolicy;
  maxConcurrentRequests: number;
  requestTimeoutMs: number;
  maxRetries: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
  shutdownTimeoutMs: number;
  maxResponseBytes: number;
  diagnostics: Diagnostics;
  fetch: typeof fetch;
  waitUntil: ((promise: Promise<unknown>) => void) | undefined;
}

export const HTTP_EXPORTER_DEFAULTS = {
  maxBatchSize: MAX_RECORDS_PER_REQUEST,
  maxBatchBytes: MAX_REQUEST_BYTES,
  batchDelayMs: 1000,
  maxQueueSize: 2048,
  dropPolicy: 'drop-newest' as DropPolicy,
  maxConcurrentRequests: 4,
  requestTimeoutMs: 10_000,
  maxRetries: 5,
  retryInitialDelayMs: 1000,
  retryMaxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  shutdownTimeoutMs: 5000,
  maxResponseBytes: 64 * 1024,
} as const;

type Limits = Pick<ResolvedResourceMetricsExporterOptions, keyof typeof HTTP_EXPORTER_DEFAULTS>;

function integer(
  options: ResourceMetricsExporterOptions,
  key: keyof typeof HTTP_EXPORTER_DEFAULTS,
  min: number,
  max: number,
): number {
  const value = options[key as keyof ResourceMetricsExporterOptions];
  if (value === undefined) return HTTP_EXPORTER_DEFAULTS[key] as number;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError({
      option: key,
      message: `${key} must be an integer from ${min} to ${max}, got ${typeof value === 'number' ? value : typeof value}`,
    });
  }
  return value;
}

function accountIdOf(options: ResourceMetricsExporterOptions, env: Env): string {
  const accountId = optionOrEnv(options.accountId, env, HTTP_EXPORTER_ENV.accountId);
  if (accountId) return accountId;
  throw new ConfigurationError({
    option: 'accountId',
    message: `no account id: pass { accountId } or set ${HTTP_EXPORTER_ENV.accountId}`,
  });
}

function providerTypeOf(options: ResourceMetricsExporterOptions, env: Env): ProviderType | undefined {
  const providerType = options.providerType ?? nonEmpty(env[HTTP_EXPORTER_ENV.providerType]);
  if (providerType === undefined || isProviderType(providerType)) return providerType;
  throw new ConfigurationError({
    option: 'providerType',
    message: `providerType ${JSON.stringify(String(providerType).slice(0, 60))} is not a provider constant`,
  });
}

function promptTypeOf(options: ResourceMetricsExporterOptions): PromptType | undefined {
  const { promptType } = options;
  if (promptType === undefined || (PROMPT_TYPES as readonly unknown[]).includes(promptType))
    return promptType;
  throw new ConfigurationError({
    option: 'promptType',
    message: `promptType must be one of ${PROMPT_TYPES.join(', ')}`,
  });
}

function dropPolicyOf(options: ResourceMetricsExporterOptions): DropPolicy {
  const dropPolicy = options.dropPolicy ?? HTTP_EXPORTER_DEFAULTS.dropPolicy;
  if (dropPolicy === 'drop-newest' || dropPolicy === 'drop-oldest') return dropPolicy;
  throw new ConfigurationError({
    option: 'dropPolicy',
    message: 'dropPolicy must be drop-newest or drop-oldest',
  });
}

function fetchOf(options: ResourceMetricsExporterOptions): typeof fetch {
  const fetchImpl = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (typeof fetchImpl === 'function') return fetchImpl;
  throw new ConfigurationError({
    option: 'fetch',
    message: 'no global fetch in this runtime: pass { fetch }',
  });
}

/** The numeric limits, each an integer within its range (the default when not given). */
function limitsOf(options: ResourceMetricsExporterOptions, dropPolicy: DropPolicy): Limits {
  const retryInitialDelayMs = integer(options, 'retryInitialDelayMs', 0, 3_600_000);
  return {
    maxBatchSize: integer(options, 'maxBatchSize', 1, MAX_RECORDS_PER_REQUEST),
    maxBatchBytes: integer(options, 'maxBatchBytes', 1024, MAX_REQUEST_BYTES),
    batchDelayMs: integer(options, 'batchDelayMs', 0, 3_600_000),
    maxQueueSize: integer(options, 'maxQueueSize', 1, 10_000_000),
    dropPolicy,
    maxConcurrentRequests: integer(options, 'maxConcurrentRequests', 1, 64),
    requestTimeoutMs: integer(options, 'requestTimeoutMs', 1, 600_000),
    maxRetries: integer(options, 'maxRetries', 0, 100),
    retryInitialDelayMs,
    retryMaxDelayMs: Math.max(retryInitialDelayMs, integer(options, 'retryMaxDelayMs', 0, 3_600_000)),
    maxRetryAfterMs: integer(options, 'maxRetryAfterMs', 0, 3_600_000),
    shutdownTimeoutMs: integer(options, 'shutdownTimeoutMs', 0, 600_000),
    maxResponseBytes: integer(options, 'maxResponseBytes', 0, 64 * 1024 * 1024),
  };
}

/**
 * Normalizes the HTTP exporter's options once, reading the environment for what the options
 * leave out (explicit options win). Throws `ConfigurationError`, whose message never holds a
 * secret nor the endpoint's path or query. The result prints (`util.inspect`, `JSON.stringify`)
 * without credentials: `headers`, `secrets` and `url` are readable by name only.
 */
export function resolveResourceMetricsExporterOptions(
  options: ResourceMetricsExporterOptions = {},
): ResolvedResourceMetricsExporterOptions {
  const env = options.env ?? defaultEnv();
  const url = resolveEndpoint(options, env);
  const accountId = accountIdOf(options, env);
  const providerType = providerTypeOf(options, env);
  const promptType = promptTypeOf(options);
  const { headers, secrets, auth } = resolveCredentials(options, env);
  const dropPolicy = dropPolicyOf(options);
  const fetchImpl = fetchOf(options);
  const diagnostics = resolveDiagnosticsOption(options.diagnostics, options.logger);
  return hideSecrets({
    url: url.href,
    endpointOrigin: url.origin,
    accountId,
    providerType,
    promptType,
    headers,
    secrets,
    auth,
    ...limitsOf(options, dropPolicy),
    diagnostics,
    fetch: fetchImpl,
    waitUntil: options.waitUntil,
  });
}
