// Writes N demo-like runs as JSONL events (llm_call + llm_usage + invocation, as JsonlExporter
// writes them with modelCalls on), for measuring the dashboard on large files.
//   node scripts/generate-events.mjs <file> [runs=100000]
import { createWriteStream } from 'node:fs';
import { InvocationRecorder, createUsage, toJsonlEvents } from '@metrics/core';

const [file, count = '100000'] = process.argv.slice(2);
if (!file) throw new Error('usage: generate-events.mjs <file> [runs]');
const runs = Number(count);
const frameworks = ['LANGGRAPH', 'OPENAI_AGENTS_SDK', 'AISDK', 'MASTRA', 'LLAMAINDEX'];
const models = ['claude-sonnet-4-6', 'gpt-4o', 'gpt-4o-mini', 'gemini-2.5-flash'];
const tools = [
  ['search', 'api'],
  ['fs.read', 'mcp'],
  ['calculator', 'api'],
];
const t0 = Date.UTC(2025, 0, 1);

function makeRun(i) {
  const start = t0 + i * 30_000;
  const model = models[i % models.length];
  const run = new InvocationRecorder({
    providerType: frameworks[i % frameworks.length],
    sessionId: `conv-${Math.floor(i / 5)}`,
    model,
    startedAt: start,
  });
  let t = start;
  const calls = 1 + (i % 3);
  for (let c = 0; c < calls; c++) {
    const call = run.startModelCall({ model, streamed: c === 0, startedAt: t });
    if (c === 0) call.firstToken(t + 100 + (i % 400));
    if (i % 50 === 0 && c === 0) {
      call.fail(Object.assign(new Error('rate limited'), { status: 429 }), {}, t + 150);
    } else {
      const input = 500 + (i % 1000);
      call.end(
        {
          usage: createUsage({
            inputTokens: input,
            outputTokens: 50 + (i % 200),
            cacheReadTokens: i % 3 === 0 ? 256 : 0,
          }),
        },
        t + 300 + (i % 700),
      );
    }
    t += 400 + (i % 700);
    const [name, type] = tools[(i + c) % tools.length];
    const tool = run.startToolCall({ name, type, startedAt: t });
    if ((i + c) % 17 === 0) tool.fail(new Error('tool failed'), t + 50);
    else tool.end(t + 50);
    t += 60;
  }
  return run.end({ endedAt: t + 20 });
}

const out = createWriteStream(file);
let chunk = '';
for (let i = 0; i < runs; i++) {
  for (const event of toJsonlEvents(makeRun(i), { modelCalls: true })) chunk += `${JSON.stringify(event)}\n`;
  if (chunk.length > 1 << 20) {
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    chunk = '';
  }
}
out.end(chunk);
await new Promise((r) => out.on('finish', r));
console.log(`wrote ${runs} runs to ${file}`);
