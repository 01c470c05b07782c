// Measures the dashboard on a file: time to read it through, memory, and API response times.
//   sh ../../scripts/toolchain.sh node scripts/generate-events.mjs /tmp/events-100k.jsonl 100000
//   sh ../../scripts/toolchain.sh node --expose-gc scripts/measure.mjs /tmp/events-100k.jsonl
import { stat } from 'node:fs/promises';
import { startDashboard } from '../dist/index.js';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: measure.mjs <events.jsonl | collector.db>');
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const before = process.memoryUsage();
const started = performance.now();
const dashboard = await startDashboard({ source: file });
await dashboard.loaded;
const loadMs = performance.now() - started;
globalThis.gc?.();
const after = process.memoryUsage();
console.log(
  `file ${mb((await stat(file)).size)}, ${dashboard.store.rows.length} runs, ${dashboard.store.sessions.size} sessions`,
);
console.log(`read through in ${(loadMs / 1000).toFixed(2)} s`);
console.log(
  `memory after load: rss ${mb(after.rss)} (+${mb(after.rss - before.rss)}), heap used ${mb(after.heapUsed)}`,
);

async function time(path, repeat = 5) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    const response = await fetch(new URL(path, dashboard.url));
    bytes = (await response.arrayBuffer()).byteLength;
    times.push(performance.now() - t);
  }
  const [first, ...rest] = times;
  const median = rest.sort((a, b) => a - b)[Math.floor(rest.length / 2)];
  const then = median === undefined ? '' : `, then median ${median.toFixed(1)} ms`;
  console.log(`GET /${path.padEnd(48)} ${first.toFixed(1)} ms${then}, ${(bytes / 1024).toFixed(1)} KB`);
}

const someRun = dashboard.store.rows[Math.floor(dashboard.store.rows.length / 2)].runId;
await time('api/status');
await time('api/overview');
await time('api/runs?limit=50');
await time('api/runs?limit=50&offset=50000&sort=totalTokens');
await time('api/runs?limit=50&q=gpt-4o-mini');
await time('api/sessions?limit=50');
await time('api/sessions/conv-777');
await time(`api/runs/${someRun}`);
// What a live page costs each time a run arrives: the aggregates are computed again.
dashboard.store.version++;
await time('api/overview', 1);
dashboard.store.version++;
await time('api/sessions?limit=50', 1);
await dashboard.close();
