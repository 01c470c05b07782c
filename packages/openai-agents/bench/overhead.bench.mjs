// Overhead of @metrics/openai-agents on a real OpenAI Agents SDK run: an in-process fake model
// answering a tool call, then text (2 model calls + 1 function tool per run), non-streamed. Each
// process runs one variant (scripts/overhead-bench.mjs explains why). Variants:
//   bare          the run alone, tracing off;
//   floor: model wrapper + tool hooks   the same hooks instrumentRunner uses, hand-written: a
//                 Model wrapper that only times each call and sums its usage, and Runner tool
//                 hooks that only count tools;
//   adapter: instrumentRunner(runner)   the README's first registration, records built and
//                 handed to a no-op exporter;
//   floor: no-op tracing processor      tracing on with one processor doing nothing: the same
//                 hooks as MetricsTracingProcessor (and every peer: OpenInference, Braintrust,
//                 PostHog and Langfuse are all tracing processors);
//   adapter: MetricsTracingProcessor    our processor in the SDK's tracing slot;
//   peer: OpenInference                 OpenInference's processor on an OpenTelemetry provider
//                 whose exporter drops the spans (what Langfuse and Arize use for this SDK).
// `pnpm bench` runs ../dist (`pnpm build` first).
import { OpenInferenceTracingProcessor } from '@arizeai/openinference-instrumentation-openai-agents';
import {
  Agent,
  Runner,
  Usage,
  setTraceProcessors,
  setTracingDisabled,
  tool,
  withResponseSpan,
} from '@openai/agents';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createMetrics, fromOpenAIAgentsUsage, fromOpenAIResponsesUsage, now } from '@metrics/core';
import { z } from 'zod';
import { overheadBench } from '../../../scripts/overhead-bench.mjs';
import { MetricsTracingProcessor, instrumentRunner } from '../dist/index.js';

const MODEL_CALLS = 2;
// the long run: 49 tool steps, then the answer (per-call cost must not grow with the conversation)
const LONG_CALLS = 50;

// Like the SDK's own models, the fake one answers inside a response span (a no-op span when tracing
// is off) carrying the provider's response when the run traces data: a processor records the model
// calls from these spans, so a model without one would leave the processor nothing to record.
const RAW_USAGE = { input_tokens: 120, output_tokens: 12, total_tokens: 132 };
class FakeModel {
  /** Calls the `lookup` tool until `calls - 1` of its results are in the input, then answers. */
  constructor(calls = MODEL_CALLS) {
    this.calls = calls;
  }
  async getResponse(request) {
    return withResponseSpan(async (span) => {
      const answer = this.answer(request);
      if (request.tracing === true)
        span.spanData._response = { id: 'r1', model: 'fake-model', usage: RAW_USAGE };
      return answer;
    });
  }
  answer(request) {
    let results = 0;
    if (Array.isArray(request.input))
      for (const item of request.input) if (item.type === 'function_call_result') results++;
    const answered = results >= this.calls - 1;
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
              // a fresh id per step: the SDK keeps one result per call id
              callId: `c${results + 1}`,
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

const sink = { ms: 0, input: 0, output: 0, tools: 0 };
let records = 0;
let modelCalls = 0;
const discard = {
  export: (record) => {
    records++;
    modelCalls += record.modelCalls.length;
  },
};

/** One run of `agent` on `runner`; the answer is checked, so a broken variant cannot pass. */
const runOf = (runner, model) => {
  const agent = new Agent({ name: 'bench', instructions: 'x', model, tools: [lookup] });
  // the SDK's default of 10 turns is below a 50-call run's
  const options = { maxTurns: model.calls + 5 };
  return async () => {
    const result = await runner.run(agent, 'go', options);
    if (result.finalOutput !== 'done') throw new Error(`unexpected output ${result.finalOutput}`);
  };
};

/** Tracing on, with `processor` the only one (nothing leaves the process). */
const traced = (processor, calls = MODEL_CALLS) => {
  setTraceProcessors([processor]);
  setTracingDisabled(false);
  return runOf(new Runner({ tracingDisabled: false }), new FakeModel(calls));
};
const long = (run) => ({ run, modelCallsPerRun: LONG_CALLS, bare: `bare, ${LONG_CALLS} calls` });

const noop = {
  async onTraceStart() {},
  async onTraceEnd() {},
  async onSpanStart() {},
  async onSpanEnd() {},
  async shutdown() {},
  async forceFlush() {},
};

// the same hooks recording the same calls by hand through the core's manual API (diagnostic: adapter
// minus this is what the adapter's own mapping costs beyond the core's recording)
const metrics = createMetrics({ exporters: [discard], logger: false });
class RecordingModel {
  constructor(inner, run) {
    this.inner = inner;
    this.run = run;
  }
  async getResponse(request) {
    const call = this.run.current.startModelCall({ model: 'fake-model' });
    const response = await this.inner.getResponse(request);
    call.end({ usage: fromOpenAIAgentsUsage(response.usage) });
    return response;
  }
  getStreamedResponse(request) {
    return this.inner.getStreamedResponse(request);
  }
}
const manualRunner = () => {
  const run = { current: undefined, toolStartedAt: 0 };
  const runner = new Runner({ tracingDisabled: true });
  runner.on('agent_tool_start', () => {
    run.toolStartedAt = now();
  });
  runner.on('agent_tool_end', (_context, _agent, tool) => {
    run.current.recordToolCall({
      name: tool.name,
      startedAt: run.toolStartedAt,
      endedAt: now(),
      outcome: 'success',
    });
  });
  const one = runOf(runner, new RecordingModel(new FakeModel(), run));
  return async () => {
    run.current = metrics.startInvocation({ providerType: 'OPENAI_AGENTS_SDK', name: 'bench' });
    await one();
    run.current.end();
  };
};
const manualProcessor = () => {
  const runs = new Map();
  const started = new Map();
  return {
    ...noop,
    async onTraceStart(trace) {
      runs.set(trace.traceId, metrics.startInvocation({ providerType: 'OPENAI_AGENTS_SDK', name: 'bench' }));
    },
    async onTraceEnd(trace) {
      runs.get(trace.traceId)?.end();
      runs.delete(trace.traceId);
    },
    async onSpanStart(span) {
      const type = span.spanData.type;
      if (type === 'response' || type === 'function') started.set(span.spanId, now());
    },
    async onSpanEnd(span) {
      const { type } = span.spanData;
      if (type !== 'response' && type !== 'function') return;
      const startedAt = started.get(span.spanId);
      started.delete(span.spanId);
      const run = runs.get(span.traceId);
      if (type === 'function')
        run.recordToolCall({ name: span.spanData.name, startedAt, endedAt: now(), outcome: 'success' });
      else
        run.recordModelCall({
          startedAt,
          endedAt: now(),
          model: span.spanData._response.model,
          usage: fromOpenAIResponsesUsage(span.spanData._response.usage),
        });
    },
  };
};
const dropSpans = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };

await overheadBench({
  title: `OpenAI Agents runner.run, ${MODEL_CALLS} model calls + 1 tool call per run`,
  runs: 3000,
  // the SDK's tier-up outlasts a 600-run warm-up: under callgrind, the adapter variant's window
  // spent 789 k instructions per run compiling after 1,200 runs, 42 k after 6,000
  warmup: 6000,
  modelCallsPerRun: MODEL_CALLS,
  variants: {
    bare: () => runOf(new Runner({ tracingDisabled: true }), new FakeModel()),
    'floor: model wrapper + tool hooks': () => {
      const runner = new Runner({ tracingDisabled: true });
      runner.on('agent_tool_start', () => sink.tools++);
      runner.on('agent_tool_end', () => sink.tools++);
      return runOf(runner, new TimedModel(new FakeModel(), sink));
    },
    'floor: same hooks + manual recording (core API)': manualRunner,
    'adapter: instrumentRunner(runner)': () => {
      const runner = new Runner({ tracingDisabled: true });
      instrumentRunner(runner, { exporters: [discard], logger: false });
      return runOf(runner, new FakeModel());
    },
    'floor: no-op tracing processor': () => traced(noop),
    'floor: no-op processor + manual recording (core API)': () => traced(manualProcessor()),
    'adapter: MetricsTracingProcessor': () =>
      traced(new MetricsTracingProcessor({ exporters: [discard], logger: false })),
    [`bare, ${LONG_CALLS} calls`]: long(() =>
      runOf(new Runner({ tracingDisabled: true }), new FakeModel(LONG_CALLS)),
    ),
    [`adapter: instrumentRunner(runner), ${LONG_CALLS} calls`]: long(() => {
      const runner = new Runner({ tracingDisabled: true });
      instrumentRunner(runner, { exporters: [discard], logger: false });
      return runOf(runner, new FakeModel(LONG_CALLS));
    }),
    [`adapter: MetricsTracingProcessor, ${LONG_CALLS} calls`]: long(() =>
      traced(new MetricsTracingProcessor({ exporters: [discard], logger: false }), LONG_CALLS),
    ),
    'peer: OpenInference': () =>
      traced(
        new OpenInferenceTracingProcessor({
          tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(dropSpans)] }),
        }),
      ),
  },
  budgets: [
    {
      adapter: 'adapter: instrumentRunner(runner)',
      floor: 'floor: model wrapper + tool hooks',
      maxOwnUs: 10,
    },
    { adapter: 'adapter: MetricsTracingProcessor', floor: 'floor: no-op tracing processor', maxOwnUs: 10 },
    { adapter: 'adapter: instrumentRunner(runner)', floor: 'peer: OpenInference', maxRatio: 1 / 3 },
    // the processor's floor is the SDK's tracing, switched on by registering any processor (the
    // peer's floor too): the like-for-like ratio is printed beside the total one
    {
      adapter: 'adapter: MetricsTracingProcessor',
      floor: 'peer: OpenInference',
      maxRatio: 1 / 3,
      ownFloors: { adapter: 'floor: no-op tracing processor', peer: 'floor: no-op tracing processor' },
    },
    {
      long: `adapter: instrumentRunner(runner), ${LONG_CALLS} calls`,
      short: 'adapter: instrumentRunner(runner)',
      maxRatio: 1.25,
    },
    {
      long: `adapter: MetricsTracingProcessor, ${LONG_CALLS} calls`,
      short: 'adapter: MetricsTracingProcessor',
      maxRatio: 1.25,
    },
  ],
  check: (name) => {
    if (/^adapter|manual/.test(name) && records === 0) throw new Error('the adapter recorded nothing');
    if (
      /^adapter|manual/.test(name) &&
      modelCalls !== records * (name.endsWith(' calls') ? LONG_CALLS : MODEL_CALLS)
    )
      throw new Error(`the adapter recorded ${modelCalls} model calls in ${records} runs`);
    if (name.startsWith('floor: model') && (sink.input === 0 || sink.tools === 0))
      throw new Error('the floor hooks did not run');
  },
});
