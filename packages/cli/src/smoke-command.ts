import { parseArgs } from 'node:util';
import {
  ConfigurationError,
  type DiagnosticEvent,
  Diagnostics,
  InvocationRecorder,
  MetricsError,
  type ProviderType,
  createResourceMetricsExporter,
  fromOpenAIChatUsage,
  maskSecrets,
} from '@metrics/core';
import type { CliIo } from './cli.js';

/** What went wrong, in plain words, keyed by what the exporter saw (the spec's troubleshooting table). */
export function explainFailure(status: number | undefined, reason: string): string {
  if (status === 401 || status === 403) {
    return `The endpoint refused the credentials (HTTP ${status}). Check AI_METRICS_JWT_TOKEN (Bearer) or AI_METRICS_USER + AI_METRICS_TOKEN (Basic): the token may be missing, mistyped or expired.`;
  }
  if (status === 400)
    return `The endpoint rejected the record as invalid (HTTP 400): ${reason}. Check the field it names (and EXT_ACCOUNT_ALIAS_ID / PROVIDER_TYPE).`;
  if (status === 404)
    return 'The endpoint URL answered 404: the path of AI_METRICS_ENDPOINT is probably wrong.';
  if (status === 413) return 'The endpoint refused the body as too large (HTTP 413).';
  if (status === 429) return 'The endpoint is rate limiting (HTTP 429); try again later.';
  if (status !== undefined && status >= 500)
    return `The endpoint failed (HTTP ${status}); this is on the endpoint's side, try again later.`;
  if (status !== undefined && status >= 300 && status < 400) {
    return `The endpoint answered with a redirect (HTTP ${status}), which is not followed so that credentials never travel to another host: use the final URL in AI_METRICS_ENDPOINT.`;
  }
  if (/timed? ?out|timeout/i.test(reason)) {
    return 'No answer in time (timeout): check that AI_METRICS_ENDPOINT is the right URL and that this machine can reach it (firewall, proxy, VPN).';
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|network|fetch failed|socket/i.test(reason)) {
    return `Could not connect (${reason}): check the host and port of AI_METRICS_ENDPOINT and the network.`;
  }
  return `The test record was not delivered: ${reason}.`;
}

export async function runSmoke(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      endpoint: { type: 'string' },
      'account-id': { type: 'string' },
      token: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      origin: { type: 'string' },
      'provider-type': { type: 'string' },
      timeout: { type: 'string' },
      'allow-http': { type: 'boolean' },
    },
  });
  const events: DiagnosticEvent[] = [];
  const diagnostics = new Diagnostics({ logger: false });
  diagnostics.on((event) => events.push(event));
  const timeoutMs = values.timeout === undefined ? 10_000 : Number(values.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    io.stderr('--timeout takes a positive number of milliseconds\n');
    return 2;
  }
  const token = values.password ?? values.token;
  let exporter: ReturnType<typeof createResourceMetricsExporter>;
  try {
    exporter = createResourceMetricsExporter({
      env: io.env,
      ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
      ...(values['account-id'] !== undefined ? { accountId: values['account-id'] } : {}),
      ...(token !== undefined ? { token } : {}),
      ...(values.user !== undefined ? { user: values.user } : {}),
      ...(values.origin !== undefined ? { origin: values.origin } : {}),
      ...(values['provider-type'] !== undefined
        ? { providerType: values['provider-type'] as ProviderType }
        : {}),
      ...(values['allow-http'] ? { allowInsecureHttp: true } : {}),
      diagnostics,
      maxRetries: 0,
      batchDelayMs: 0,
      requestTimeoutMs: timeoutMs,
      shutdownTimeoutMs: timeoutMs + 1000,
    });
  } catch (error) {
    if (error instanceof ConfigurationError || MetricsError.isInstance(error)) {
      io.stderr(`Configuration problem: ${maskSecrets((error as Error).message)}\n`);
      return 1;
    }
    throw error;
  }
  // One small, valid invocation: a single model call.
  const invocation = new InvocationRecorder({
    providerType: 'CUSTOM_PROVIDER',
    model: 'smoke-test',
    name: 'agent-metrics smoke',
  });
  invocation
    .startModelCall({ model: 'smoke-test' })
    .end({ usage: fromOpenAIChatUsage({ prompt_tokens: 1, completion_tokens: 1 }) });
  exporter.export(invocation.end()!);
  await exporter.shutdown();
  const stats = exporter.stats();
  if (stats.delivered === 1) {
    io.stdout(
      `OK: the endpoint accepted the test record (HTTP ${stats.lastStatus}). Credentials and URL are correct.\n`,
    );
    return 0;
  }
  const failure = events.find((e) => e.type === 'delivery.rejected' || e.type === 'record.dropped');
  const status = typeof failure?.data?.status === 'number' ? failure.data.status : stats.lastStatus;
  const reason = failure?.message ?? 'unknown reason';
  io.stdout(`FAILED: ${maskSecrets(explainFailure(status, reason))}\n`);
  if (failure) io.stdout(`  detail: ${maskSecrets(failure.message)}\n`);
  return 1;
}
