// Overhead of @metrics/openai-agents on a real OpenAI Agents SDK run, measured side by side in one
// process (rounds interleaved). The agent: an in-process fake model answering a tool call, then
// text (2 model calls + 1 function tool per run), non-streamed, tracing off. Variants:
//   bare       the run alone;
//   floor      the SDK's own idioms, hand-written and minimal: a Model wrapper that only times each
//              call and sums its usage, plus Runner hooks that only count tools (what any per-call
//              metering on this SDK needs at least);
//   adapter    instrumentRunner(runner) recording into a no-op exporter (records built, not sent);
//   tracing    the SDK's tracing switched on with one no-op TracingProcessor: the floor of every
//              peer integration for this SDK (OpenInference, Braintrust, PostHog, Langfuse through
//              OpenInference are all TracingProcessors), before they do any work of their own;
//   openinference  the best-known peer: OpenInference's TracingProcessor (what Langfuse and Arize
//              use for this SDK) on an OpenTelemetry tracer provider whose exporter drops spans.
// Budget (adapters.md): adapter ≤ 1.25 × floor's added cost, and ≤ 1/3 of the peer's.
import { OpenInferenceTracingProcessor } from '@arizeai/openinference-instrumentation-openai-agents';
import { Agent, Runner, Usage, setTraceProcessors, setTracingDisabled, tool } from '@openai/agents';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';
import { instrumentRunner } from '../dist/index.js';

const ROUNDS = 1500;

class FakeModel {
  async getResponse(request) {
    const answered =
      Array.isArray(request.input) && request.input.some((item) => item.type === 'function_call_result');
    return {
      usage: new Usage({ requests: 1, inputTokens: 120, outputTokens: 12, totalTokens: 132 }),
      output: answered
        ? [
            {
              type: 'message',
              role: 'assistant',
              status: 'completed',
              content: [{ type: 'output_text', text: 'done' }],
            },
          ]
        : [
            {
              type: 'function_call',
              callId: 'c1',
              name: 'lookup',
              arguments: '{"q":"x"}',
              status: 'completed',
            },
          ],
    };
  }
  // biome-ignore lint/correctness/useYield: never streamed here
  async *getStreamedResponse() {
    throw new Error('not used');
  }
}

const lookup = tool({
  name: 'lookup',
  description: 'looks up',
  parameters: z.object({ q: z.string() }),
  execute: async ({ q }) => `found ${q}`,
});

class TimedModel {
  constructor(inner, sink) {
    this.inner = inner;
    this.sink = sink;
  }
  async getResponse(request) {
    const start = performance.now();
    const response = await this.inner.getResponse(request);
    this.sink.ms += performance.now() - start;
    this.sink.input += response.usage.inputTokens;
    this.sink.output += response.usage.outputTokens;
    return response;
  }
  getStreamedResponse(request) {
    return this.inner.getStreamedResponse(request);
  }
}

function variant(name) {
  const sink = { ms: 0, input: 0, output: 0, tools: 0 };
  const traced = name === 'tracing' || name === 'openinference';
  const runner = new Runner({ tracingDisabled: !traced });
  let model = new FakeModel();
  if (name === 'floor') {
    model = new TimedModel(model, sink);
    runner.on('agent_tool_start', () => sink.tools++);
    runner.on('agent_tool_end', () => sink.tools++);
  }
  if (name === 'adapter') instrumentRunner(runner, { exporters: [{ export() {} }], logger: false });
  const agent = new Agent({ name: 'bench', instructions: 'x', model, tools: [lookup] });
  return async () => {
    active = name === 'openinference' ? openinference : noop;
    const start = process.hrtime.bigint();
    const result = await runner.run(agent, 'go');
    const us = Number(process.hrtime.bigint() - start) / 1000;
    if (result.finalOutput !== 'done') throw new Error(`unexpected output ${result.finalOutput}`);
    return us;
  };
}

const noop = {
  async onTraceStart() {},
  async onTraceEnd() {},
  async onSpanStart() {},
  async onSpanEnd() {},
  async shutdown() {},
  async forceFlush() {},
};
const dropSpans = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const openinference = new OpenInferenceTracingProcessor({
  tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(dropSpans)] }),
});
let active = noop;
// one global processor that forwards to the variant being measured; nothing leaves the process
setTraceProcessors([
  {
    onTraceStart: (trace) => active.onTraceStart(trace),
    onTraceEnd: (trace) => active.onTraceEnd(trace),
    onSpanStart: (span) => active.onSpanStart(span),
    onSpanEnd: (span) => active.onSpanEnd(span),
    shutdown: async () => {},
    forceFlush: async () => {},
  },
]);
setTracingDisabled(false);

const names = ['bare', 'floor', 'adapter', 'tracing', 'openinference'];
const runs = Object.fromEntries(names.map((name) => [name, variant(name)]));
const samples = Object.fromEntries(names.map((name) => [name, []]));
for (let i = 0; i < 200; i++) for (const name of names) await runs[name](); // warm-up
// one run of each variant per round, in a rotating order, so load and GC drift hit all alike
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length];
    samples[name].push(await runs[name]());
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = median(samples.bare);
const CALLS = 2;
console.log(
  `@metrics/openai-agents overhead: median of ${ROUNDS} interleaved runs per variant, 2 model calls + 1 tool per run`,
);
const added = {};
for (const name of names) {
  const m = median(samples[name]);
  added[name] = (m - bare) / CALLS;
  console.log(
    `${name.padEnd(13)} ${m.toFixed(1).padStart(8)} µs/run  ×${(m / bare).toFixed(3)}  ${
      name === 'bare' ? '' : `${added[name] >= 0 ? '+' : ''}${added[name].toFixed(1)} µs per model call`
    }`,
  );
}
const floorAdded = Math.max(added.floor, 0.01);
console.log(
  `adapter added / floor added: ${(added.adapter / floorAdded).toFixed(2)}; adapter added / no-op tracing processor added: ${(
    added.adapter / Math.max(added.tracing, 0.01)
  ).toFixed(
    2,
  )}; adapter added / OpenInference added: ${(added.adapter / Math.max(added.openinference, 0.01)).toFixed(2)}`,
);
