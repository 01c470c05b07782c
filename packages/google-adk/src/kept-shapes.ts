import { Diagnostics, InvocationRecorder } from '@metrics/core';
import { OpenRuns, keepShapes } from '@metrics/core/adapter';
import { AdkRun, agentKey } from './adk-run.js';
import { PendingModelCall } from './model-calls.js';
import { SOURCE } from './options.js';
import { endTool, startTool } from './tool-calls.js';

/**
 * Keeps one finished run of the plugin's own objects alive (`keepShapes`), so that V8's optimized
 * code for them survives major collections. Without it every major collection found no live
 * `AdkRun`, `PendingModelCall` or open tool entry, freed their maps and discarded the functions
 * optimized against them: on the bench (a 3,000-run warm-up, then a full collection) the plugin's
 * callbacks ran in the baseline tier through the whole 150-run window, 9.3 k of the 27.4 k
 * instructions per model call of ours in inline-cache stubs. Called where the plugin is
 * constructed; builds once per process.
 */
export function keepAdapterShapes(): void {
  keepShapes(templateRun);
}

const USAGE = { promptTokenCount: 2, candidatesTokenCount: 1, totalTokenCount: 3 };

/**
 * A finished run with a tool turn and an answer, built through the plugin's own constructors and
 * functions, with the value kinds of a real run. It records nothing anyone sees: its recorder has
 * no exporter and its diagnostics no listener.
 */
function templateRun(): unknown[] {
  const diagnostics = new Diagnostics({ logger: false });
  const runs = new OpenRuns<string, AdkRun>((run) => run.end(), diagnostics, SOURCE);
  const recorder = new InvocationRecorder({
    providerType: 'GOOGLE_AGENT_DEVELOPMENT_KIT',
    name: 'agent',
    sessionId: 'session',
    model: 'model',
  });
  const run = new AdkRun(recorder, 'agent');
  runs.add('invocation', run);
  const agent = { name: 'agent', model: 'model' };
  const context = {
    invocationId: 'invocation',
    agentName: 'agent',
    functionCallId: 'call',
    invocationContext: { agent, branch: '' },
  };
  const key = agentKey(context);
  const toolTurn = templateModelCall(run, agent, key);
  const tool = { name: 'tool' };
  startTool(runs, tool, context);
  endTool(runs, tool, context, {});
  const answer = templateModelCall(run, agent, key);
  runs.get('invocation');
  runs.delete('invocation');
  run.end();
  return [runs, run, toolTurn, answer];
}

/** One model call as the before- and after-model callbacks see it. */
function templateModelCall(run: AdkRun, agent: unknown, key: string): PendingModelCall {
  const call = new PendingModelCall(run.recorderFor(agent, 'agent'), 'model', false);
  run.calls.set(key, call);
  if (call.response({ usageMetadata: USAGE, modelVersion: 'model', finishReason: 'STOP' })) {
    run.calls.delete(key);
    call.finish();
  }
  return call;
}
