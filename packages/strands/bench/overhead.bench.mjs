// Own cost of @metrics/strands per model call: a Strands agent on an in-process fake model (no
// network: only the SDK and the hooks are measured), a tool call then an answer (2 model calls +
// 1 tool call per run). Variants, each in processes of its own (scripts/overhead-bench.mjs):
//   bare     the agent alone;
//   floor    a hand-written plugin on exactly the SDK slots the adapter uses (the same 7 hooks, an
//            InvokeModelStage and an agentStream middleware) whose bodies only time calls, count
//            tools and sum usage: what any per-call metering on this SDK costs at least;
//   adapter  MetricsPlugin recording into a no-op exporter (records built, not sent);
// and the same bare/adapter pair on a run of 50 model calls (49 tool steps), to check the cost per
// call is flat in the run's length. Budgets: adapter − floor ≤ 10 µs per model call; per-call cost
// of the 50-call run ≤ 1.25 × the 2-call run's. `pnpm bench` runs ../dist (`pnpm build` first);
// BENCH_ONLY='^(floor|adapter: MetricsPlugin$)' skips the 50-call runs.
import {
  AfterInvocationEvent,
  AfterToolCallEvent,
  Agent,
  BeforeInvocationEvent,
  BeforeModelCallEvent,
  BeforeToolCallEvent,
  BeforeToolsEvent,
  HookOrder,
  InterruptEvent,
  InvokeModelStage,
  Model,
  tool,
} from '@strands-agents/sdk';
import { createMetrics, fromStrandsUsage } from '@metrics/core';
import { z } from 'zod';
import { overheadBench } from '../../../scripts/overhead-bench.mjs';
import { MetricsPlugin } from '../dist/index.js';

// the SDK does not export the agentStream stage; the floor takes it from the SDK's own module
const { AgentStreamStage } = await import(
  new URL('./middleware/stages.js', import.meta.resolve('@strands-agents/sdk')).href
);

const usage = { inputTokens: 120, outputTokens: 12, totalTokens: 132 };

/** Answers with a tool call until the run has made `calls` model calls, then with text. */
class FakeModel extends Model {
  constructor(calls) {
    super();
    this.calls = calls;
  }
  updateConfig() {}
  getConfig() {
    return { modelId: 'fake-model' };
  }
  async *stream(messages) {
    counts.modelCalls++;
    const steps = messages.filter((m) => m.role === 'assistant').length;
    yield { type: 'modelMessageStartEvent', role: 'assistant' };
    if (steps + 1 < this.calls) {
      yield {
        type: 'modelContentBlockStartEvent',
        start: { type: 'toolUseStart', name: 'lookup', toolUseId: `t${steps}` },
      };
      yield { type: 'modelContentBlockDeltaEvent', delta: { type: 'toolUseInputDelta', input: '{"q":"x"}' } };
      yield { type: 'modelContentBlockStopEvent' };
      yield { type: 'modelMessageStopEvent', stopReason: 'toolUse' };
    } else {
      yield { type: 'modelContentBlockStartEvent' };
      yield { type: 'modelContentBlockDeltaEvent', delta: { type: 'textDelta', text: 'done' } };
      yield { type: 'modelContentBlockStopEvent' };
      yield { type: 'modelMessageStopEvent', stopReason: 'endTurn' };
    }
    yield { type: 'modelMetadataEvent', usage };
  }
}

const lookup = tool({
  name: 'lookup',
  description: 'looks up',
  inputSchema: z.object({ q: z.string() }),
  callback: ({ q }) => `found ${q}`,
});

const counts = { modelCalls: 0, runs: 0, callsPerRun: 0 };
const sink = { ms: 0, calls: 0, input: 0, output: 0, tools: 0, runs: 0, firstTokens: 0 };

/** The floor: the adapter's hooks and middleware, with bodies that only time, count and sum. */
class FloorPlugin {
  name = 'floor';
  initAgent(agent) {
    const last = { order: HookOrder.SDK_LAST };
    let startedAt = 0;
    agent.addHook(
      BeforeInvocationEvent,
      () => {
        startedAt = performance.now();
      },
      last,
    );
    agent.addHook(
      AfterInvocationEvent,
      () => {
        sink.ms += performance.now() - startedAt;
      },
      last,
    );
    agent.addHook(BeforeToolCallEvent, (e) => void (e.cancel || sink.tools++), last);
    agent.addHook(AfterToolCallEvent, (e) => void (e.result.status === 'error' || sink.tools++), last);
    addGuardrailHooks(agent, last);
    agent.addMiddleware(InvokeModelStage, async function* timed(context, next) {
      const inner = next(context);
      let step = await inner.next();
      let first = true;
      while (!step.done) {
        if (first && step.value?.event?.type === 'modelContentBlockDeltaEvent') {
          first = false;
          sink.firstTokens++;
        }
        yield step.value;
        step = await inner.next();
      }
      sink.calls++;
      sink.input += step.value.result.metadata?.usage?.inputTokens ?? 0;
      sink.output += step.value.result.metadata?.usage?.outputTokens ?? 0;
      return step.value;
    });
    agent.addMiddleware(AgentStreamStage, seeRunErrors);
  }
}

/** The floor's cancel and interrupt hooks (the adapter's guardrail trips). */
function addGuardrailHooks(agent, last) {
  agent.addHook(BeforeModelCallEvent, (e) => void (e.cancel && sink.tools--), last);
  agent.addHook(BeforeToolsEvent, (e) => void (e.cancel && sink.tools--), last);
  agent.addHook(InterruptEvent, () => void sink.tools--, last);
}

/** The floor's run-error middleware: sees what the agent's stream throws. */
async function* seeRunErrors(context, next) {
  try {
    return yield* next(context);
  } catch (error) {
    sink.runs--;
    throw error;
  }
}

/**
 * Diagnostic: the floor's slots (the same 7 hooks and 2 middlewares) recording the same invocation
 * by hand through the core's manual API (startInvocation, startModelCall/end, startToolCall/end);
 * the adapter minus this is what the adapter's own mapping costs.
 */
class ManualPlugin {
  name = 'manual';
  metrics = createMetrics({ exporters: [{ export: () => void records++ }], logger: false });
  initAgent(agent) {
    const last = { order: HookOrder.SDK_LAST };
    let run;
    let tool;
    agent.addHook(
      BeforeInvocationEvent,
      () => {
        run = this.metrics.startInvocation({ providerType: 'STRANDS_AGENTS', model: 'fake-model' });
      },
      last,
    );
    agent.addHook(AfterInvocationEvent, () => run.end(), last);
    agent.addHook(
      BeforeToolCallEvent,
      (e) => {
        tool = run.startToolCall({ name: e.toolUse.name, callId: e.toolUse.toolUseId });
      },
      last,
    );
    agent.addHook(AfterToolCallEvent, () => tool.end(), last);
    addGuardrailHooks(agent, last);
    agent.addMiddleware(AgentStreamStage, seeRunErrors);
    agent.addMiddleware(InvokeModelStage, async function* timed(context, next) {
      const call = run.startModelCall({ model: 'fake-model', streamed: true });
      const inner = next(context);
      let step = await inner.next();
      let first = true;
      while (!step.done) {
        if (first && step.value?.event?.type === 'modelContentBlockDeltaEvent') {
          first = false;
          call.firstToken();
        }
        yield step.value;
        step = await inner.next();
      }
      call.end({
        usage: fromStrandsUsage(step.value.result.metadata?.usage, {
          cacheInInput: true,
          totalIncludesCache: false,
        }),
      });
      return step.value;
    });
  }
}

let records = 0;
const adapterPlugin = () =>
  new MetricsPlugin({ exporters: [{ export: () => void records++ }], logger: false });

const agentRun = (calls, plugins) => {
  const agent = new Agent({ model: new FakeModel(calls), tools: [lookup], plugins, printer: false });
  counts.callsPerRun = calls;
  return async () => {
    counts.runs++;
    const result = await agent.invoke('go');
    if (result.stopReason !== 'endTurn') throw new Error(`unexpected stop ${result.stopReason}`);
    agent.messages.length = 0; // every run starts from the same conversation
  };
};

const LONG = 50;
const long = (run) => ({ run, modelCallsPerRun: LONG, bare: `bare, ${LONG}-call run` });
const check = (name) => {
  if (counts.modelCalls !== counts.runs * counts.callsPerRun)
    throw new Error(`${counts.modelCalls} model calls in ${counts.runs} runs of ${counts.callsPerRun}`);
  if (name.startsWith('adapter') && records === 0) throw new Error('the adapter recorded nothing');
  if (name.startsWith('floor') && (sink.calls === 0 || sink.tools === 0 || sink.firstTokens === 0))
    throw new Error('the floor summed nothing');
};

await overheadBench({
  title: 'Strands agent.invoke(), 2 model calls + 1 tool call per run (in-process fake model)',
  runs: 2000,
  modelCallsPerRun: 2,
  processes: 3,
  variants: {
    bare: () => agentRun(2, []),
    'floor: same hooks, timing and summing only': () => agentRun(2, [new FloorPlugin()]),
    'manual: floor + core recording': () => agentRun(2, [new ManualPlugin()]),
    'adapter: MetricsPlugin': () => agentRun(2, [adapterPlugin()]),
    [`bare, ${LONG}-call run`]: long(() => agentRun(LONG, [])),
    [`adapter: MetricsPlugin, ${LONG}-call run`]: long(() => agentRun(LONG, [adapterPlugin()])),
  },
  budgets: [
    { adapter: 'adapter: MetricsPlugin', floor: 'floor: same hooks, timing and summing only', maxOwnUs: 10 },
    { long: `adapter: MetricsPlugin, ${LONG}-call run`, short: 'adapter: MetricsPlugin', maxRatio: 1.25 },
  ],
  check,
});
