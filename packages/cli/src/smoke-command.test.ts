import { execFile } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Collector, startCollector } from '@metrics/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const run = promisify(execFile);
const SECRET = 'pl4nted-s3cret-Token-xyz';
const secretForms = [
  SECRET,
  Buffer.from(`BOOMI_TOKEN.dev@example.com:${SECRET}`).toString('base64'),
  encodeURIComponent(SECRET),
];

async function smoke(env: Record<string, string>, args: string[] = []) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, 'smoke', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function expectNoSecret(output: { stdout: string; stderr: string }) {
  for (const form of secretForms) {
    expect(output.stdout).not.toContain(form);
    expect(output.stderr).not.toContain(form);
  }
}

let collector: Collector;
const account = '3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70';

beforeAll(async () => {
  collector = await startCollector({ token: SECRET });
});
afterAll(async () => {
  await collector.close();
});

describe('agent-metrics smoke', () => {
  it('delivers one valid record with Bearer auth from the environment and says so', async () => {
    collector.reset();
    const result = await smoke({
      AI_METRICS_ENDPOINT: collector.endpoint,
      EXT_ACCOUNT_ALIAS_ID: account,
      AI_METRICS_JWT_TOKEN: SECRET,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('OK: the endpoint accepted the test record (HTTP 200)');
    expect(collector.records).toHaveLength(1);
    expect(collector.records[0]).toMatchObject({
      extAccountAliasId: account,
      providerType: 'CUSTOM_PROVIDER',
      modelInvocationCount: 1,
      inputTokenCount: 1,
    });
    expectNoSecret(result);
  });

  it('explains a 401 as a credentials problem, without echoing the token', async () => {
    const result = await smoke({ EXT_ACCOUNT_ALIAS_ID: account }, [
      '--endpoint',
      collector.endpoint,
      '--user',
      'BOOMI_TOKEN.dev@example.com',
      '--password',
      SECRET,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('refused the credentials (HTTP 401)');
    expectNoSecret(result);
  });

  it('explains a 400 by the field the endpoint names', async () => {
    collector.failNext(1, 400);
    const result = await smoke({ AI_METRICS_JWT_TOKEN: SECRET }, [
      '--endpoint',
      collector.endpoint,
      '--account-id',
      account,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('rejected the record as invalid (HTTP 400)');
    expectNoSecret(result);
  });

  it('explains a timeout as URL or network trouble', async () => {
    const hanging: Server = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const port = (hanging.address() as AddressInfo).port;
    const result = await smoke({ AI_METRICS_JWT_TOKEN: SECRET, EXT_ACCOUNT_ALIAS_ID: account }, [
      '--endpoint',
      `http://127.0.0.1:${port}/ingest`,
      '--timeout',
      '300',
    ]);
    hanging.closeAllConnections();
    hanging.close();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('No answer in time (timeout)');
    expectNoSecret(result);
  });

  it('explains a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await smoke({ AI_METRICS_JWT_TOKEN: SECRET, EXT_ACCOUNT_ALIAS_ID: account }, [
      '--endpoint',
      `http://127.0.0.1:${port}/ingest`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Could not connect');
    expectNoSecret(result);
  });

  it('names the missing setting when the configuration is incomplete', async () => {
    const result = await smoke({ AI_METRICS_JWT_TOKEN: SECRET });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Configuration problem');
    expect(result.stderr).toContain('AI_METRICS_ENDPOINT');
    expectNoSecret(result);
  });
});
