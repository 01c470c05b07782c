// Cost of the core's hot paths, measured side by side in one run (rounds interleaved):
//   1. recording one model call (start, first token, end with usage mapped from an OpenAI shape);
//   2. finishing an invocation (2 model calls + 1 tool call recorded) into a validated resourceMetrics payload;
//   3. a bare JSON.stringify of that same payload, as a yardstick.
// Budget (issue #2): < 5 µs per recorded model call, < 25 µs per finished invocation.
import { InvocationRecorder, fromOpenAIChatUsage, toResourceMetric } from '../dist/index.js';

const ROUNDS = 15;
const OPS = 20_000;
const account = { accountId: '3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70' };
const rawUsage = {
  prompt_tokens: 1000,
  completion_tokens: 300,
  total_tokens: 1300,
  prompt_tokens_details: { cached_tokens: 800 },
  completion_tokens_details: { reasoning_tokens: 120 },
};

function recordModelCalls(n) {
  const invocation = new InvocationRecorder({ providerType: 'CUSTOM_PROVIDER' });
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const call = invocation.startModelCall({ model: 'gpt-4o' });
    call.firstToken();
    call.end({ usage: fromOpenAIChatUsage(rawUsage) });
  }
  const ns = Number(process.hrtime.bigint() - start);
  invocation.end();
  return ns / n;
}

function finishInvocations(n) {
  let last;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const invocation = new InvocationRecorder({ providerType: 'LANGCHAIN', model: 'gpt-4o' });
    invocation.startModelCall({ model: 'gpt-4o' }).end({ usage: fromOpenAIChatUsage(rawUsage) });
    invocation.startToolCall({ name: 'search', type: 'api' }).end();
    invocation.startModelCall({ model: 'gpt-4o' }).end({ usage: fromOpenAIChatUsage(rawUsage) });
    last = toResourceMetric(invocation.end(), account);
  }
  const ns = Number(process.hrtime.bigint() - start);
  return { perOp: ns / n, payload: last };
}

function stringifyPayloads(payload, n) {
  let bytes = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) bytes += JSON.stringify(payload).length;
  const ns = Number(process.hrtime.bigint() - start);
  if (bytes === 0) throw new Error('unreachable');
  return ns / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = { call: [], finish: [], stringify: [] };
// warm-up
recordModelCalls(OPS);
const { payload } = finishInvocations(OPS);
stringifyPayloads(payload, OPS);
for (let round = 0; round < ROUNDS; round++) {
  globalThis.gc?.();
  samples.call.push(recordModelCalls(OPS));
  globalThis.gc?.();
  samples.finish.push(finishInvocations(OPS / 4).perOp);
  globalThis.gc?.();
  samples.stringify.push(stringifyPayloads(payload, OPS));
}
const us = (ns) => (ns / 1000).toFixed(2);
const call = median(samples.call);
const finish = median(samples.finish);
const stringify = median(samples.stringify);
console.log(`@metrics/core bench (node ${process.version}, ${ROUNDS} interleaved rounds, medians)`);
console.log(
  `  record one model call                      ${us(call)} µs   (budget 5 µs)   ${call <= 5000 ? 'OK' : 'OVER BUDGET'}`,
);
console.log(
  `  finish invocation (2 calls, 1 tool) → payload ${us(finish)} µs   (budget 25 µs)  ${finish <= 25000 ? 'OK' : 'OVER BUDGET'}`,
);
console.log(
  `  JSON.stringify of the same payload         ${us(stringify)} µs   (finish = ${(finish / stringify).toFixed(1)}× stringify)`,
);
if (call > 5000 || finish > 25000) process.exitCode = 1;
