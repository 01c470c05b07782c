// `npm run demo`: runs every example against a local reference collector, then prints one row per
// invocation and the session totals. Exits 0 only if every example succeeded and the collector
// accepted every record.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { SessionAggregator, primaryModel } from '@metrics/core';
import { startCollector } from '@metrics/testkit';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, '.metrics');
const eventsFile = join(outDir, 'events.jsonl');
const databasePath = join(outDir, 'collector.db');
const token = 'demo-collector-token';
const accountId = '00000000-0000-4000-8000-000000000000';

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const examples = readdirSync(join(root, 'examples'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'examples', entry.name, 'package.json')))
  .map((entry) => ({
    dir: join(root, 'examples', entry.name),
    pkg: JSON.parse(readFileSync(join(root, 'examples', entry.name, 'package.json'), 'utf8')),
  }))
  .filter(({ pkg }) => pkg.scripts?.start)
  .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));

const collector = await startCollector({ token, databasePath });
const env = {
  ...process.env,
  AI_METRICS_ENDPOINT: collector.endpoint,
  AI_METRICS_JWT_TOKEN: token,
  EXT_ACCOUNT_ALIAS_ID: accountId,
  AI_METRICS_EVENTS_FILE: eventsFile,
  // keep every framework's own telemetry off: nothing leaves this machine
  MASTRA_TELEMETRY_DISABLED: '1',
  OPENAI_AGENTS_DISABLE_TRACING: '1',
  LANGCHAIN_TRACING_V2: 'false',
  LANGSMITH_TRACING: 'false',
};
delete env.OPENAI_API_KEY; // the demo always runs against the local model server

function runExample({ dir, pkg }) {
  return new Promise((resolveRun) => {
    const started = Date.now();
    const child = spawn('pnpm', ['run', '--silent', 'start'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ name: pkg.name, code, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

console.log(`agent-metrics demo: ${examples.length} examples, collector at ${collector.endpoint}\n`);
const results = [];
for (const example of examples) {
  process.stdout.write(`  ▶ ${example.pkg.name.replace('@metrics-example/', '')} … `);
  const before = collector.records.length;
  const result = await runExample(example);
  results.push(result);
  const got = collector.records.length - before;
  console.log(
    result.code === 0
      ? `ok (${result.seconds.toFixed(1)} s, ${got} record${got === 1 ? '' : 's'})`
      : `FAILED (exit ${result.code})`,
  );
  if (result.code !== 0)
    console.log(
      result.output
        .split('\n')
        .map((line) => `      ${line}`)
        .join('\n'),
    );
}

const events = existsSync(eventsFile)
  ? readFileSync(eventsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : [];
const records = events.filter((e) => e.type === 'invocation').map((e) => e.record);

const columns = [
  'framework',
  'model',
  'input',
  'output',
  'cached',
  'calls',
  'tools ok/failed',
  'errors',
  'ttft ms',
  'model ms',
  'total ms',
];
const rows = records.map((r) => {
  const s = r.summary;
  const tools = s.tools.api.calls + s.tools.mcp.calls;
  const failed = s.tools.api.failure + s.tools.mcp.failure;
  const errors = Object.values(s.errors).reduce((a, b) => a + b, 0);
  return [
    r.providerType,
    primaryModel(r) ?? '',
    String(s.usage?.inputTokens ?? 0),
    String(s.usage?.outputTokens ?? 0),
    String(s.usage?.cacheReadTokens ?? 0),
    String(s.modelCalls),
    `${tools - failed}/${failed}`,
    String(errors),
    s.ttftMs.toFixed(0),
    s.modelLatencyMs.toFixed(0),
    r.durationMs.toFixed(0),
  ];
});
const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i].length)));
const line = (cells) =>
  cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
console.log(`\n${line(columns)}\n${widths.map((w) => '─'.repeat(w)).join('  ')}`);
for (const row of rows) console.log(line(row));

const sessions = new SessionAggregator();
for (const record of records) sessions.export(record);
console.log('\nsession totals (leader + members):');
for (const session of sessions.sessions()) {
  const t = session.full;
  console.log(
    `  ${session.sessionId.padEnd(24)} runs ${t.runs}  calls ${t.modelCalls}  input ${t.usage?.inputTokens ?? 0}  output ${t.usage?.outputTokens ?? 0}  tools ${t.tools.api.calls + t.tools.mcp.calls}`,
  );
}

const rejected = collector.requests.filter((request) => request.status >= 300);
const accepted = collector.records.length;
await collector.close();
console.log(`\nJSONL events:        ${eventsFile}`);
console.log(
  `collector database:  ${databasePath}  (readCollectorDatabase() from @metrics/testkit, or any SQLite client)`,
);
const cli = relative(process.cwd(), join(root, 'packages/cli/dist/bin.js'));
console.log(
  `\nLook at these runs in the local dashboard (http://127.0.0.1, Ctrl+C stops it):\n  node ${cli} dashboard ${relative(process.cwd(), eventsFile)}\n  node ${cli} dashboard ${relative(process.cwd(), databasePath)}   (what the collector received)`,
);
const failedExamples = results.filter((r) => r.code !== 0);
const ok =
  failedExamples.length === 0 &&
  rejected.length === 0 &&
  accepted === records.length &&
  records.length >= examples.length;
console.log(
  ok
    ? `\nThe collector accepted all ${accepted} records.`
    : `\nFAILED: ${failedExamples.length} example(s) failed, ${rejected.length} request(s) rejected, ${accepted} of ${records.length} records accepted.`,
);
process.exit(ok ? 0 : 1);
