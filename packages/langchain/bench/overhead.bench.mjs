// Overhead of @metrics/langchain on a createAgent run with an in-process fake model (2 model calls,
// 1 tool call), against the framework's own floor for each hook kind:
//   handler:    a BaseCallbackHandler on the same twelve callbacks as the adapter's, that only
//               times runs and sums usage, vs MetricsCallbackHandler (one that only sums usage on
//               handleLLMEnd is shown for reference: LangChain does more for a handler with more
//               callbacks, e.g. handleLLMNewToken makes a chat model stream)
//   middleware: a createMiddleware that only times the model and tool calls (wrapModelCall +
//               wrapToolCall, the same hooks the adapter uses) vs createMetricsMiddleware
//               (a wrapModelCall-only timer is shown for reference)
// and against the peers on the same agent (issue #19): Langfuse's CallbackHandler
// (`@langfuse/langchain`) and OpenInference's LangChainInstrumentation, each tracing through an
// OpenTelemetry provider whose exporter drops the spans (no context manager registered: the peers'
// cheapest setup, so their figures err low and the ratio errs against us).
// Each process runs one variant (scripts/overhead-bench.mjs explains why). Run `pnpm build` first.
import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { CallbackHandler as LangfuseHandler } from '@langfuse/langchain';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createAgent, createMiddleware } from 'langchain';
import { createMetrics, fromLangChainUsageMetadata } from '@metrics/core';
import { z } from 'zod';
import { overheadBench } from '../../../scripts/overhead-bench.mjs';
import { MetricsCallbackHandler } from '../dist/index.js';
import { createMetricsMiddleware } from '../dist/middleware.js';

/** Asks for the `add` tool until `calls - 1` tool results are in the conversation, then answers. */
class CycleModel extends BaseChatModel {
  constructor(calls = MODEL_CALLS) {
    super({});
    this.calls = calls;
  }
  _llmType() {
    return 'cycle';
  }
  bindTools() {
    return this;
  }
  async _generate(messages) {
    let toolResults = 0;
    for (const message of messages) if (message.type === 'tool') toolResults++;
    const message =
      toolResults >= this.calls - 1
        ? new AIMessage({
            content: 'done',
            usage_metadata: { input_tokens: 20, output_tokens: 3, total_tokens: 23 },
          })
        : new AIMessage({
            content: '',
            tool_calls: [{ name: 'add', args: { a: 1, b: 2 }, id: `c${Math.random()}` }],
            usage_metadata: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
          });
    return { generations: [{ text: '', message }] };
  }
}

const add = tool(async ({ a, b }) => String(a + b), {
  name: 'add',
  description: 'adds',
  schema: z.object({ a: z.number(), b: z.number() }),
});
const input = { messages: [{ role: 'user', content: 'add 1 and 2' }] };
const MODEL_CALLS = 2;
// the long run: 49 tool steps, then the answer (per-call cost must not grow with the conversation)
const LONG_CALLS = 50;

class SumUsage extends BaseCallbackHandler {
  name = 'sum-usage';
  total = 0;
  constructor() {
    super({ _awaitHandler: true });
  }
  handleLLMEnd(output) {
    this.total += output.generations[0][0].message.usage_metadata?.total_tokens ?? 0;
  }
}
/**
 * The handler's same-hooks floor: every callback MetricsCallbackHandler defines, with the same
 * handler options, each only noting a time (and handleLLMEnd summing usage as above).
 */
class SameHooks extends BaseCallbackHandler {
  name = 'same-hooks';
  total = 0;
  last = 0;
  constructor() {
    super({ _awaitHandler: true, ignoreRetriever: true, ignoreCustomEvent: true });
    this.awaitHandlers = true;
  }
  handleChainStart() {
    this.last = performance.now();
  }
  handleChainEnd() {
    this.last = performance.now();
  }
  handleChainError() {
    this.last = performance.now();
  }
  handleChatModelStart() {
    this.last = performance.now();
  }
  handleLLMStart() {
    this.last = performance.now();
  }
  handleLLMNewToken() {
    this.last = performance.now();
  }
  handleChatModelStreamEvent() {
    this.last = performance.now();
  }
  handleLLMEnd(output) {
    this.last = performance.now();
    this.total += output.generations[0][0].message.usage_metadata?.total_tokens ?? 0;
  }
  handleLLMError() {
    this.last = performance.now();
  }
  handleToolStart() {
    this.last = performance.now();
  }
  handleToolEnd() {
    this.last = performance.now();
  }
  handleToolError() {
    this.last = performance.now();
  }
}
const sameHooks = new SameHooks();

let timed = 0;
/** A wrap hook that only times the call it wraps. */
const timeCall = async (request, handler) => {
  const start = performance.now();
  const result = await handler(request);
  timed += performance.now() - start;
  return result;
};
const timing = createMiddleware({ name: 'Timing', wrapModelCall: timeCall });
const timingBoth = createMiddleware({ name: 'TimingBoth', wrapModelCall: timeCall, wrapToolCall: timeCall });

// Diagnostic: the middleware floor's hooks recording the same invocation by hand through the
// core's manual API; createMetricsMiddleware minus this is what the adapter's own mapping costs.
const manualMetrics = createMetrics({ exporters: [{ export() {} }], logger: false });
let manualRun;
const manualRecording = createMiddleware({
  name: 'ManualRecording',
  wrapModelCall: async (request, handler) => {
    const call = manualRun.startModelCall({ model: 'cycle' });
    const result = await handler(request);
    call.end({ usage: fromLangChainUsageMetadata(result.usage_metadata) });
    timed++;
    return result;
  },
  wrapToolCall: async (request, handler) => {
    const call = manualRun.startToolCall({ name: request.toolCall.name, callId: request.toolCall.id });
    const result = await handler(request);
    call.end();
    return result;
  },
});

// the peers' spans go to an exporter that drops them
let spansExported = 0;
const dropSpans = {
  export: (spans, done) => {
    spansExported += spans.length;
    done({ code: 0 });
  },
  shutdown: async () => {},
};
const spanProvider = () => new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(dropSpans)] });

const sumUsage = new SumUsage();
let handler;
const agentWith = (options, config = {}, calls = MODEL_CALLS) => {
  const agent = createAgent({ model: new CycleModel(calls), tools: [add], ...options });
  // LangChain's default recursion limit (25 graph steps) is below a 50-call run's 100
  return () => () => agent.invoke(input, { recursionLimit: 4 * calls + 10, ...config });
};
const long = (run) => ({ run, modelCallsPerRun: LONG_CALLS, bare: `bare, ${LONG_CALLS} calls` });

await overheadBench({
  title: `createAgent, ${MODEL_CALLS} model calls + 1 tool call per run`,
  runs: 2000,
  modelCallsPerRun: MODEL_CALLS,
  variants: {
    bare: agentWith({}),
    'handler floor (sums usage)': agentWith({}, { callbacks: [sumUsage] }),
    'handler floor, same hooks (times runs, sums usage)': agentWith({}, { callbacks: [sameHooks] }),
    MetricsCallbackHandler: () => {
      handler = new MetricsCallbackHandler({ logger: false });
      return agentWith({}, { callbacks: [handler] })();
    },
    'middleware floor (times model + tool calls)': agentWith({ middleware: [timingBoth] }),
    'middleware floor + manual core recording (times)': () => {
      const run = agentWith({ middleware: [manualRecording] })();
      return () => {
        manualRun = manualMetrics.startInvocation({ providerType: 'LANGCHAIN', name: 'agent' });
        return run().then((result) => {
          manualRun.end();
          return result;
        });
      };
    },
    createMetricsMiddleware: agentWith({ middleware: [createMetricsMiddleware({ logger: false })] }),
    'wrapModelCall-only timer (reference)': agentWith({ middleware: [timing] }),
    [`bare, ${LONG_CALLS} calls`]: long(agentWith({}, {}, LONG_CALLS)),
    [`handler floor, same hooks (times runs, sums usage), ${LONG_CALLS} calls`]: long(
      agentWith({}, { callbacks: [sameHooks] }, LONG_CALLS),
    ),
    [`MetricsCallbackHandler, ${LONG_CALLS} calls`]: long(() => {
      handler = new MetricsCallbackHandler({ logger: false });
      return agentWith({}, { callbacks: [handler] }, LONG_CALLS)();
    }),
    [`createMetricsMiddleware, ${LONG_CALLS} calls`]: long(
      agentWith({ middleware: [createMetricsMiddleware({ logger: false })] }, {}, LONG_CALLS),
    ),
    'peer: Langfuse CallbackHandler': () => {
      trace.setGlobalTracerProvider(spanProvider());
      return agentWith({}, { callbacks: [new LangfuseHandler()] })();
    },
    'peer: OpenInference LangChainInstrumentation': () => {
      const instrumentation = new LangChainInstrumentation({ tracerProvider: spanProvider() });
      instrumentation.manuallyInstrument(CallbackManagerModule);
      return agentWith({})();
    },
  },
  budgets: [
    // own cost: what the adapter adds over a hand-written hook on the same LangChain hooks
    {
      adapter: 'MetricsCallbackHandler',
      floor: 'handler floor, same hooks (times runs, sums usage)',
      maxOwnUs: 10,
      byFunction:
        "LangChain's callback machinery, about 2.3 M instructions per model call, moves by 46-300 k between processes of the same code",
    },
    {
      adapter: 'createMetricsMiddleware',
      floor: 'middleware floor (times model + tool calls)',
      maxOwnUs: 10,
    },
    // the handler's own cost over its same-hooks floor's, each in a 50-call and a 2-call run:
    // LangChain's callback machinery is nearly all the path adds
    {
      long: `MetricsCallbackHandler, ${LONG_CALLS} calls`,
      short: 'MetricsCallbackHandler',
      longFloor: `handler floor, same hooks (times runs, sums usage), ${LONG_CALLS} calls`,
      shortFloor: 'handler floor, same hooks (times runs, sums usage)',
      maxRatio: 1.25,
    },
    {
      long: `createMetricsMiddleware, ${LONG_CALLS} calls`,
      short: 'createMetricsMiddleware',
      maxRatio: 1.25,
    },
    // at most a third of the cheaper peer: a third of each
    { adapter: 'createMetricsMiddleware', floor: 'peer: Langfuse CallbackHandler', maxRatio: 1 / 3 },
    {
      adapter: 'createMetricsMiddleware',
      floor: 'peer: OpenInference LangChainInstrumentation',
      maxRatio: 1 / 3,
    },
  ],
  check: (variant) => {
    if (variant === 'handler floor (sums usage)' && sumUsage.total === 0)
      throw new Error('the floor handler did not run');
    if (variant.startsWith('handler floor, same hooks') && (sameHooks.total === 0 || sameHooks.last === 0))
      throw new Error('the same-hooks floor handler did not run');
    if (variant.startsWith('middleware floor') && timed === 0)
      throw new Error('the floor middleware did not run');
    if (variant.startsWith('peer:') && spansExported === 0)
      throw new Error(`${variant}: no span was exported`);
    if (variant.startsWith('MetricsCallbackHandler') && handler.tree.openInvocations !== 0)
      throw new Error('the handler left invocations open');
  },
});
