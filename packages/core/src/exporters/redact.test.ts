import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyError, maskSecrets } from '../errors/classify-error.js';
import { Metrics } from '../metrics.js';
import { resolveResourceMetricsExporterOptions } from './http-config.js';
import { JsonlExporter } from './jsonl-exporter.js';
import { MIN_SECRET_PIECE, createRedactor } from './redact.js';
import { ResourceMetricsExporter } from './resource-metrics-exporter.js';
import { SECRET, type TestServer, USER, capture, secretForms, startServer } from './test-support.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoxOTAwMDAwMDAwfQ.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk0';

/** The ways an endpoint or an error can echo a token. */
function echoes(secret: string): string[] {
  const html = secret
    .replace(/&/g, '&amp;')
    .replace(/\//g, '&#x2F;')
    .replace(/\+/g, '&#43;')
    .replace(/=/g, '&#61;');
  return [
    secret,
    secret.slice(0, 12), // truncated echo
    secret.slice(-10),
    JSON.stringify({ error: `bad token ${secret}` }).replace(/\//g, '\\/'), // JSON-escaped (with \/)
    JSON.stringify(secret).replace(/[^\w]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    html, // HTML-escaped
    `<p>token: ${html}</p>`,
    JSON.stringify({ html: `<b>${html}</b>` }), // HTML inside JSON: two layers
    encodeURIComponent(secret),
  ];
}

/** Independent of the code under test: every decoded reading of an output. */
function readings(text: string): string[] {
  const html = (t: string) =>
    t
      .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
      .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const json = (t: string) =>
    t
      .replace(/\\u([0-9a-f]{4})/gi, (_, h) => String.fromCharCode(Number.parseInt(h, 16)))
      .replace(/\\(.)/g, '$1');
  const url = (t: string) =>
    t.replace(/%([0-7][0-9a-f])/gi, (_, h) => String.fromCharCode(Number.parseInt(h, 16)));
  return [
    text,
    html(text),
    json(text),
    url(text),
    html(json(text)),
    json(html(text)),
    json(html(json(text))),
  ];
}

/** Every piece of every secret form long enough to be masked on its own. */
function pieces(): string[] {
  const out = new Set<string>();
  for (const form of [...secretForms(), JWT.split('.')[1]!, JWT.split('.')[2]!])
    for (let i = 0; i + MIN_SECRET_PIECE <= form.length; i++) out.add(form.slice(i, i + MIN_SECRET_PIECE));
  return [...out];
}

function leaks(outputs: readonly string[]): string[] {
  const found: string[] = [];
  const all = pieces();
  for (const output of outputs)
    for (const reading of readings(output))
      for (const piece of all) if (reading.includes(piece)) found.push(piece);
  return found;
}

describe('createRedactor', () => {
  const redact = createRedactor(secretForms());

  it('masks the secret raw, truncated, JSON-escaped, HTML-escaped, percent-encoded and in two layers', () => {
    const outputs = echoes(SECRET).map((echo) => redact(`401 Unauthorized: ${echo} (request id 77)`));
    expect(leaks(outputs)).toEqual([]);
    expect(
      outputs.every((out) => out.startsWith('401 Unauthorized: ') && out.endsWith('(request id 77)')),
    ).toBe(true);
    expect(redact('plain text with no secret, 12345678')).toBe('plain text with no secret, 12345678');
  });

  it('masks a bare JWT, whole or cut short, with no configured secret', () => {
    for (const text of [JWT, JWT.slice(0, 40), `${JWT.split('.')[0]}.${JWT.split('.')[1]}`])
      expect(maskSecrets(`upstream said ${text} is expired`)).toBe('upstream said *** is expired');
    expect(classifyError(new Error(`token ${JWT} rejected`)).message).toBe('token *** rejected');
  });
});

describe('no form of a planted token reaches any output', () => {
  let dir: string | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('diagnostics, printed warnings, inspect of the exporter and its config, and the JSONL file', async () => {
    server = await startServer();
    const bodies = echoes(SECRET);
    server.plan(...bodies.map((body) => ({ status: 401, body })));
    dir = await mkdtemp(join(tmpdir(), 'redact-'));
    const cap = capture();
    const http = new ResourceMetricsExporter({
      endpoint: server.url,
      accountId: 'acct-1',
      user: USER,
      token: SECRET,
      env: {},
      maxBatchSize: 1,
      batchDelayMs: 0,
      diagnostics: cap.diagnostics,
    });
    const path = join(dir, 'events.jsonl');
    const jsonl = new JsonlExporter({ path, diagnostics: cap.diagnostics });
    const metrics = new Metrics({ exporters: [http, jsonl], diagnostics: cap.diagnostics });
    for (let i = 0; i < bodies.length; i++) {
      const run = metrics.startInvocation();
      run.startModelCall().fail(new Error(`401 from model: Authorization: Bearer ${SECRET}`));
      run.end({ error: new Error(`the tool echoed ${JWT}`) });
    }
    await metrics.flush({ timeoutMs: 10_000 });
    expect(http.stats().dropped.rejected).toBe(bodies.length);
    expect(cap.events.filter((event) => event.type === 'delivery.rejected')).toHaveLength(bodies.length);
    const outputs = [
      ...cap.events.map((event) => JSON.stringify(event)),
      ...cap.printed,
      await readFile(path, 'utf8'),
      inspect(http),
      inspect(http, { showHidden: true, depth: 10 }),
      inspect(http.options, { showHidden: true, depth: 10 }),
      JSON.stringify(http),
      JSON.stringify(http.options),
      inspect(
        resolveResourceMetricsExporterOptions({
          env: { AI_METRICS_ENDPOINT: server.url, EXT_ACCOUNT_ALIAS_ID: 'a', AI_METRICS_JWT_TOKEN: JWT },
        }),
        { showHidden: true, depth: 10 },
      ),
    ];
    expect(outputs.join('\n')).toContain('delivery');
    expect(leaks(outputs)).toEqual([]);
    expect(outputs.join('\n')).not.toContain(JWT.split('.')[0]);
    // the exporter still sends the real credentials
    expect(server.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${USER}:${SECRET}`).toString('base64')}`,
    );
    await metrics.shutdown({ timeoutMs: 1000 });
  });
});
