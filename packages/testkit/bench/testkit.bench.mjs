// `pnpm --filter @metrics/testkit bench`: how fast the local servers answer on loopback (bounded, brief).
import { startCollector, startModelServer } from '../dist/index.js';

const N = Number(process.env.BENCH_N ?? 300);

async function time(label, count, fn) {
  const start = performance.now();
  for (let i = 0; i < count; i++) await fn(i);
  const ms = performance.now() - start;
  console.log(
    `${label.padEnd(48)} ${count} in ${ms.toFixed(0)} ms  (${((ms / count) * 1000).toFixed(0)} µs/request)`,
  );
}

const server = await startModelServer({
  fallback: { text: 'one two three four five six seven eight', usage: { input: 10, output: 8 } },
});
const collector = await startCollector({ token: 't' });
try {
  const post = (path, body) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.text());
  await time('chat completions, non-streamed', N, () =>
    post('/v1/chat/completions', { model: 'm', messages: [] }),
  );
  await time('chat completions, streamed (8 chunks)', N, () =>
    post('/v1/chat/completions', {
      model: 'm',
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    }),
  );
  await time('responses, streamed', N, () => post('/v1/responses', { model: 'm', input: 'x', stream: true }));
  await time('messages, streamed', N, () =>
    post('/v1/messages', { model: 'm', max_tokens: 5, messages: [], stream: true }),
  );
  const record = () => ({
    extAccountAliasId: '00000000-0000-4000-8000-000000000000',
    providerType: 'AISDK',
    operation: 'InvokeAgent',
    sessionId: crypto.randomUUID(),
    schemaVersion: '1.0.0',
    time: Date.now(),
    inputTokenCount: 10,
    tools: [{ toolType: 'api', toolCalls: 2, successCount: 2, failureCount: 0 }],
  });
  const batch = JSON.stringify({ resourceMetrics: Array.from({ length: 50 }, record) });
  await time('collector, 50-record batches (validated)', N, () =>
    fetch(collector.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: batch,
    }).then((r) => r.text()),
  );
  console.log(
    `collector kept ${collector.records.length} records; server saw ${server.requests.length} requests`,
  );
} finally {
  await Promise.all([server.close(), collector.close()]);
}
