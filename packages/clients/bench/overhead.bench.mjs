// Own cost of @metrics/clients per model call: an openai client with an in-process fetch (no
// network, so only the client and the wrapper are measured), 1 plain + 1 streamed chat completion
// per run inside metrics.withInvocation, against the same run on the unwrapped client. Each
// process runs one variant (scripts/overhead-bench.mjs explains why). `pnpm bench` runs ../dist
// (`pnpm build` first). Budget: ≤ 10 µs per model call.
import { createMetrics, fromOpenAIChatUsage } from '@metrics/core';
import OpenAI from 'openai';
import { overheadBench } from '../../../scripts/overhead-bench.mjs';
import { meter } from '../dist/openai.js';

const MODEL_CALLS = 2;
// the long run: 25 plain and 25 streamed calls in one invocation (per-call cost must stay flat)
const LONG_CALLS = 50;
const usage = { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 };
const completion = JSON.stringify({
  id: 'c1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'done' }, finish_reason: 'stop' }],
  usage,
});
const chunk = (delta, extra = {}) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
const sse = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'hello ' }),
  chunk({ content: 'world' }),
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage })}\n\n`,
  'data: [DONE]\n\n',
].join('');

async function fakeFetch(_url, init) {
  const streamed = JSON.parse(init.body).stream === true;
  return new Response(streamed ? sse : completion, {
    status: 200,
    headers: { 'content-type': streamed ? 'text/event-stream' : 'application/json' },
  });
}

const discard = { export() {} };
const metrics = createMetrics({ exporters: [discard], logger: false });
const messages = [{ role: 'user', content: 'hi' }];
let chunks = 0;

const variant =
  (client, calls = MODEL_CALLS) =>
  async () => {
    await metrics.withInvocation({}, async () => {
      for (let pair = 0; pair < calls / 2; pair++) {
        await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
        const stream = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages,
          stream: true,
          stream_options: { include_usage: true },
        });
        for await (const _ of stream) chunks++;
      }
    });
  };
const long = (run) => ({ run, modelCallsPerRun: LONG_CALLS, bare: `bare, ${LONG_CALLS} calls` });
// the floor: the same calls recorded by hand with the core's manual API (what meter() automates)
const manual = (client) => async () => {
  await metrics.withInvocation({}, async (run) => {
    let call = run.startModelCall({ model: 'gpt-4o-mini' });
    const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    call.end({ usage: fromOpenAIChatUsage(answer.usage), model: answer.model });
    call = run.startModelCall({ model: 'gpt-4o-mini', streamed: true });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage;
    for await (const item of stream) {
      if (item.choices[0]?.delta?.content) call.firstToken();
      if (item.usage) usage = item.usage;
      chunks++;
    }
    call.end({ usage: fromOpenAIChatUsage(usage), model: 'gpt-4o-mini' });
  });
};
const client = () => new OpenAI({ apiKey: 'k', fetch: fakeFetch, maxRetries: 0 });

await overheadBench({
  title: `openai chat completions, ${MODEL_CALLS} model calls (1 plain, 1 streamed) per run`,
  runs: 5000,
  modelCallsPerRun: MODEL_CALLS,
  variants: {
    bare: () => variant(client()),
    'floor: manual API (startModelCall/end)': () => manual(client()),
    'adapter: meter(client)': () => variant(meter(client(), metrics)),
    [`bare, ${LONG_CALLS} calls`]: long(() => variant(client(), LONG_CALLS)),
    [`adapter: meter(client), ${LONG_CALLS} calls`]: long(() =>
      variant(meter(client(), metrics), LONG_CALLS),
    ),
  },
  budgets: [
    { adapter: 'adapter: meter(client)', floor: 'floor: manual API (startModelCall/end)', maxOwnUs: 10 },
    { long: `adapter: meter(client), ${LONG_CALLS} calls`, short: 'adapter: meter(client)', maxRatio: 1.25 },
  ],
  check: () => {
    if (chunks === 0) throw new Error('the stream was not read');
  },
});
