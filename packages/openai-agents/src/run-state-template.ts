import { createMetrics, type InvocationRecorder } from '@metrics/core';
import { OpenRuns } from '@metrics/core/adapter';
import { type ModelRequest, RunContext, Usage } from '@openai/agents';
import { finishRun } from './instrument.js';
import { endCall, startCall } from './metered-model.js';
import { createRunState, type RunState } from './run-state.js';
import { onToolEnd, onToolStart } from './tool-events.js';

const REQUEST = { input: 'x', modelSettings: {} } as unknown as ModelRequest;

/** One run's state with a model call answered with the SDK's `Usage`, a tool call, and a tool left open. */
function runState(
  metrics: ReturnType<typeof createMetrics>,
  runs: OpenRuns<InvocationRecorder, RunState>,
): RunState {
  const recorder = metrics.startInvocation({
    providerType: 'OPENAI_AGENTS_SDK',
    name: 'agent',
    model: 'model',
    sessionId: undefined,
  });
  const state = createRunState(recorder, metrics.diagnostics, runs, undefined);
  state.context ??= new RunContext({});
  const call = startCall(state, REQUEST, 'model', false);
  endCall(state, call, {
    usage: new Usage({ requests: 1, inputTokens: 2, outputTokens: 1, totalTokens: 3 }),
    output: [],
  });
  onToolStart(state, { name: 'tool' }, { toolCall: { callId: 'call_1' } });
  onToolEnd(state, undefined, { name: 'tool' }, 'output', { toolCall: { callId: 'call_1' } });
  onToolStart(state, { name: 'tool' }, { toolCall: { callId: 'call_2' } });
  return state;
}

/**
 * `keepShapes`' builder for `instrumentRunner`: two runs' states, built through the adapter's own
 * code into a `Metrics` of its own with no exporter: one finished, one left open (under an
 * `OpenRuns` entry of its own, with its `RunContext` and an open tool). Kept alive, they keep the
 * maps the runner path's optimized code names: without them, every major collection discarded
 * `currentRunState`, `meteredResponse`, `startCall`/`endCall`, the tool hooks, `startRun` and
 * `finishRun` (see the core's `kept-shapes.ts`).
 */
export function runStateTemplate(): unknown[] {
  const metrics = createMetrics({ logger: false });
  const runs = new OpenRuns<InvocationRecorder, RunState>(
    (state) => state.recorder.end(),
    metrics.diagnostics,
    'template',
  );
  const finished = runState(metrics, runs);
  finishRun(finished, undefined);
  const open = runState(metrics, runs);
  open.touch();
  return [metrics, runs, finished, open];
}
