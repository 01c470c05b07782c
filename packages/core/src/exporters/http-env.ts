/** The environment variables the HTTP exporter reads. */
export const HTTP_EXPORTER_ENV = {
  endpoint: 'AI_METRICS_ENDPOINT',
  origin: 'AI_METRICS_ORIGIN',
  accountId: 'EXT_ACCOUNT_ALIAS_ID',
  providerType: 'PROVIDER_TYPE',
  jwtToken: 'AI_METRICS_JWT_TOKEN',
  user: 'AI_METRICS_USER',
  token: 'AI_METRICS_TOKEN',
  allowInsecureHttp: 'AI_METRICS_ALLOW_INSECURE_HTTP',
} as const;

export type Env = Record<string, string | undefined>;

/** `process.env` where there is one (Node, Bun, Deno's compatibility layer), else nothing. */
export function defaultEnv(): Env {
  const proc = (globalThis as { process?: { env?: Env } }).process;
  return proc?.env ?? {};
}

/** The trimmed value, or `undefined` when absent or blank. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** An explicit option, else the environment variable (both trimmed, blank counts as absent). */
export function optionOrEnv(
  option: string | undefined,
  env: Env,
  name: (typeof HTTP_EXPORTER_ENV)[keyof typeof HTTP_EXPORTER_ENV],
): string | undefined {
  return nonEmpty(option) ?? nonEmpty(env[name]);
}

/** A boolean environment flag: `1`, `true` or `yes`, in any case. */
export function envFlag(env: Env, name: (typeof HTTP_EXPORTER_ENV)[keyof typeof HTTP_EXPORTER_ENV]): boolean {
  return /^(1|true|yes)$/i.test(env[name] ?? '');
}
