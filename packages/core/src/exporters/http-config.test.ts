import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors/metrics-error.js';
import { HTTP_EXPORTER_DEFAULTS, resolveResourceMetricsExporterOptions } from './http-config.js';
import { SECRET, USER, secretForms } from './test-support.js';

const base = { endpoint: 'https://ingest.example.com/v1/metrics', accountId: 'acct', token: SECRET, env: {} };

function thrown(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    const text = `${(error as Error).message} ${(error as Error).stack} ${JSON.stringify(error)}`;
    for (const form of secretForms()) expect(text).not.toContain(form);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('resolveResourceMetricsExporterOptions', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveResourceMetricsExporterOptions(base);
    expect(resolved).toMatchObject({ ...HTTP_EXPORTER_DEFAULTS, auth: 'bearer', accountId: 'acct' });
    expect(resolved.headers).toEqual({
      'content-type': 'application/json',
      authorization: `Bearer ${SECRET}`,
    });
    expect(resolved.endpointOrigin).toBe('https://ingest.example.com');
  });

  it('reads the environment; explicit options win', () => {
    const env = {
      AI_METRICS_ENDPOINT: 'https://env.example.com/x',
      AI_METRICS_ORIGIN: 'https://app.example.com',
      EXT_ACCOUNT_ALIAS_ID: 'env-acct',
      PROVIDER_TYPE: 'LANGCHAIN',
      AI_METRICS_USER: USER,
      AI_METRICS_TOKEN: SECRET,
      AI_METRICS_JWT_TOKEN: 'jwt-not-used',
    };
    const fromEnv = resolveResourceMetricsExporterOptions({ env });
    expect(fromEnv).toMatchObject({
      url: 'https://env.example.com/x',
      accountId: 'env-acct',
      providerType: 'LANGCHAIN',
      auth: 'basic',
    });
    expect(fromEnv.headers.origin).toBe('https://app.example.com');
    expect(fromEnv.headers.authorization).toBe(
      `Basic ${Buffer.from(`${USER}:${SECRET}`).toString('base64')}`,
    );
    const jwt = resolveResourceMetricsExporterOptions({ env: { ...env, AI_METRICS_USER: '' } });
    expect(jwt.headers.authorization).toBe('Bearer jwt-not-used');
    const explicit = resolveResourceMetricsExporterOptions({
      env,
      endpoint: 'https://opt.example.com/y',
      accountId: 'opt-acct',
      providerType: 'MASTRA',
      token: 'explicit-token',
    });
    expect(explicit).toMatchObject({
      url: 'https://opt.example.com/y',
      accountId: 'opt-acct',
      providerType: 'MASTRA',
    });
    expect(explicit.headers.authorization).toBe('Bearer explicit-token');
  });

  it('requires https except on loopback, unless plain http is allowed explicitly', () => {
    expect(
      thrown(() => resolveResourceMetricsExporterOptions({ ...base, endpoint: 'http://ingest.example.com' }))
        .option,
    ).toBe('endpoint');
    for (const endpoint of ['http://127.0.0.1:1234/x', 'http://localhost/x', 'http://[::1]:80/x']) {
      expect(resolveResourceMetricsExporterOptions({ ...base, endpoint }).url).toContain('http://');
    }
    expect(
      resolveResourceMetricsExporterOptions({
        ...base,
        endpoint: 'http://10.0.0.2/x',
        allowInsecureHttp: true,
      }).url,
    ).toBe('http://10.0.0.2/x');
  });

  it('throws ConfigurationError naming the option, never echoing a secret', () => {
    expect(thrown(() => resolveResourceMetricsExporterOptions({ ...base, endpoint: undefined })).option).toBe(
      'endpoint',
    );
    expect(
      thrown(() => resolveResourceMetricsExporterOptions({ ...base, endpoint: `not a url ${SECRET}` }))
        .option,
    ).toBe('endpoint');
    expect(
      thrown(() =>
        resolveResourceMetricsExporterOptions({ ...base, endpoint: `https://u:${SECRET}@x.example.com` }),
      ).option,
    ).toBe('endpoint');
    expect(thrown(() => resolveResourceMetricsExporterOptions({ ...base, accountId: ' ' })).option).toBe(
      'accountId',
    );
    expect(thrown(() => resolveResourceMetricsExporterOptions({ ...base, token: undefined })).option).toBe(
      'token',
    );
    expect(
      thrown(() => resolveResourceMetricsExporterOptions({ ...base, token: `${SECRET}\r\nx: y` })).option,
    ).toBe('token');
    expect(
      thrown(() => resolveResourceMetricsExporterOptions({ ...base, providerType: 'NOPE' as never })).option,
    ).toBe('providerType');
    expect(thrown(() => resolveResourceMetricsExporterOptions({ ...base, maxBatchSize: 51 })).option).toBe(
      'maxBatchSize',
    );
    expect(
      thrown(() => resolveResourceMetricsExporterOptions({ ...base, maxBatchBytes: 5 * 1024 * 1024 + 1 }))
        .option,
    ).toBe('maxBatchBytes');
    expect(
      thrown(() => resolveResourceMetricsExporterOptions({ ...base, dropPolicy: 'block' as never })).option,
    ).toBe('dropPolicy');
  });

  it('lists every form of the secret for redaction', () => {
    const resolved = resolveResourceMetricsExporterOptions({ ...base, user: USER });
    for (const form of secretForms()) expect(resolved.secrets).toContain(form);
  });
});

describe('the default entry', () => {
  it('uses no Node-only module in the delivery code it exports (runs on edge runtimes)', async () => {
    const { readFile } = await import('node:fs/promises');
    const files = [
      'http-config.ts',
      'resource-metrics-exporter.ts',
      'retry-policy.ts',
      'redact.ts',
      'timers.ts',
      'console-exporter.ts',
      'fan-out.ts',
      'serverless.ts',
      'jsonl-events.ts',
      'diagnostics-option.ts',
      'bytes.ts',
    ];
    for (const file of files) {
      const code = (await readFile(new URL(`./${file}`, import.meta.url), 'utf8'))
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/from ['"]node:|require\(|\bBuffer\b|setImmediate|\bprocess\./);
    }
  });
});
