// Runs each README's first snippet, verbatim, in the fresh project with the Node running this
// script (type stripping), the installed @metrics/testkit standing in for the model provider and
// the ingestion endpoint: the snippet reaches them only through the environment variables a user
// sets (OPENAI_BASE_URL, AI_METRICS_ENDPOINT, …). Then checks the one record it produced against
// what the model server served.
import { createServer } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCRIPT, SNIPPETS } from './packages.mjs';
import { run } from './project.mjs';

const TOKEN = 'packed-test-token';
const ACCOUNT = '00000000-0000-4000-8000-000000000001';
const DEFAULT_USAGE = { input: 10, output: 5 };

/** A loopback HTTP server that answers 200 to anything and counts the requests (the OTLP endpoint). */
async function startSink() {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The environment a user would set, pointed at the local servers. */
function userEnv(server, collector, sink) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|PNPM_)/.test(key)),
  );
  return {
    ...env,
    NODE_NO_WARNINGS: '1',
    OPENAI_BASE_URL: server.openaiBaseUrl,
    OPENAI_API_KEY: 'test',
    ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
    ANTHROPIC_API_KEY: 'test',
    GOOGLE_GEMINI_BASE_URL: server.geminiBaseUrl,
    GEMINI_API_KEY: 'test',
    GOOGLE_API_KEY: 'test',
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.bedrockEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AI_METRICS_ENDPOINT: collector.endpoint,
    AI_METRICS_JWT_TOKEN: TOKEN,
    EXT_ACCOUNT_ALIAS_ID: ACCOUNT,
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    // frameworks' own telemetry stays off: nothing leaves this machine
    MASTRA_TELEMETRY_DISABLED: '1',
    OPENAI_AGENTS_DISABLE_TRACING: '1',
    LANGCHAIN_TRACING_V2: 'false',
    LANGSMITH_TRACING: 'false',
  };
}

/** Records seen on stdout (`ConsoleExporter` lines) and at the collector, in one shape. */
function recordsOf(stdout, collector) {
  const records = [];
  for (const line of stdout.split('\n').filter((l) => l.startsWith('[agent-metrics] '))) {
    const calls = /\bcalls=(\d+)/.exec(line);
    const tokens = /\btokens=(\d+)→(\d+)/.exec(line);
    const tools = [...line.matchAll(/\btools=(?:api|mcp) (\d+)\/(\d+)/g)];
    records.push({
      from: 'console',
      outcome: / ok /.test(line) ? 'success' : 'error',
      calls: Number(calls?.[1] ?? 0),
      input: Number(tokens?.[1] ?? 0),
      output: Number(tokens?.[2] ?? 0),
      toolCalls: tools.reduce((n, m) => n + Number(m[2]), 0),
      toolSuccesses: tools.reduce((n, m) => n + Number(m[1]), 0),
    });
  }
  for (const r of collector.records) {
    records.push({
      from: 'collector',
      outcome: (r.invocationServerErrors ?? 0) + (r.invocationClientErrors ?? 0) > 0 ? 'error' : 'success',
      calls: r.modelInvocationCount ?? 0,
      input: r.inputTokenCount ?? 0,
      output: r.outputTokenCount ?? 0,
      toolCalls: (r.tools ?? []).reduce((n, t) => n + t.toolCalls, 0),
      toolSuccesses: (r.tools ?? []).reduce((n, t) => n + t.successCount, 0),
    });
  }
  return records;
}

/** What the model server answered: the record must say exactly this. */
function served(server) {
  const answered = server.requests.filter((r) => r.step && !r.exhausted);
  const usage = (r) => r.step.usage ?? DEFAULT_USAGE;
  const toolCalls = answered.reduce((n, r) => n + (r.step.toolCalls?.length ?? 0), 0);
  return {
    outcome: 'success',
    calls: answered.length,
    input: answered.reduce((n, r) => n + usage(r).input, 0),
    output: answered.reduce((n, r) => n + usage(r).output, 0),
    toolCalls,
    toolSuccesses: toolCalls,
  };
}

/** The problems with one snippet's run (empty when it did what its README says). */
function check(result, server, collector, sink, entry) {
  const problems = [];
  if (result.code !== 0) problems.push(`exited ${result.signal ?? result.code}`);
  if (server.exhausted.length > 0)
    problems.push(`${server.exhausted.length} model call(s) beyond the script`);
  const pending = Object.values(server.pending()).reduce((n, v) => n + v, 0);
  if (pending > 0) problems.push(`${pending} scripted answer(s) never asked for`);
  const expected = served(server);
  const records = recordsOf(result.stdout, collector);
  if (expected.calls > 0) {
    if (records.length !== 1) problems.push(`expected 1 record of the run, saw ${records.length}`);
    for (const record of records) {
      const { from, ...seen } = record;
      if (JSON.stringify(seen) !== JSON.stringify(expected)) {
        problems.push(`record (${from}) ${JSON.stringify(seen)} != served ${JSON.stringify(expected)}`);
      }
    }
  }
  if (entry.records !== undefined && collector.records.length !== entry.records) {
    problems.push(
      `expected ${entry.records} record(s) at AI_METRICS_ENDPOINT, saw ${collector.records.length}`,
    );
  }
  if (entry.otlp && !sink.requests.some((r) => r.startsWith('POST /v1/metrics'))) {
    problems.push(
      `no OTLP metrics request reached OTEL_EXPORTER_OTLP_ENDPOINT (saw ${sink.requests.join(', ') || 'none'})`,
    );
  }
  return { problems, expected, records };
}

/** Runs every package's first snippet; returns one result per package with a snippet. */
export async function runSnippets({ projectDir, packages, testkitUrl }) {
  const { startCollector, startModelServer } = await import(testkitUrl);
  const server = await startModelServer();
  const collector = await startCollector({ token: TOKEN });
  const sink = await startSink();
  const env = userEnv(server, collector, sink);
  const dir = join(projectDir, 'snippets');
  mkdirSync(dir, { recursive: true });
  // the dashboard's snippet follows `.metrics/events.jsonl`, the file JsonlExporter writes: an empty one
  mkdirSync(join(projectDir, '.metrics'), { recursive: true });
  writeFileSync(join(projectDir, '.metrics', 'events.jsonl'), '');
  const results = [];
  try {
    for (const p of packages.filter((p) => p.snippet || SNIPPETS[p.name]?.command)) {
      const entry = SNIPPETS[p.name] ?? {};
      server.reset();
      collector.reset();
      sink.requests.length = 0;
      server.script(entry.script ?? DEFAULT_SCRIPT);
      const file = join(dir, `${p.name.replace(/^@metrics\//, '')}.ts`);
      if (p.snippet) writeFileSync(file, `${p.snippet}\n`);
      // a package whose README starts with a command runs that command, as `npx` would find it
      const [bin, ...args] = entry.command ?? [];
      const argv = bin ? [join(projectDir, 'node_modules', '.bin', bin), ...args] : [process.execPath, file];
      const started = Date.now();
      const result = await run(argv[0], argv.slice(1), {
        cwd: projectDir,
        env,
        timeoutMs: 90_000,
        quiet: true,
      });
      const { problems, expected, records } = check(result, server, collector, sink, entry);
      results.push({ name: p.name, ms: Date.now() - started, problems, expected, records, result });
    }
  } finally {
    await Promise.all([server.close(), collector.close(), sink.close()]);
  }
  return results;
}
