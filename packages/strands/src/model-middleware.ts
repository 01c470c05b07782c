import { type Diagnostics, type ModelCall, fromStrandsUsage, guard, readField } from '@metrics/core';
import { type OpenRuns, runInAttemptScope } from '@metrics/core/adapter';
import type { InvokeModelStage } from '@strands-agents/sdk';
import type { MiddlewareHandlerOf } from '@strands-agents/sdk';
import type { AgentRun } from './agent-run.js';
import { type ModelTraits, streams, traitsOf, usageOptionsOf } from './model-traits.js';
import { SOURCE } from './options.js';
import {
  cancelSignalOf,
  isAborted,
  isContentDelta,
  isRedacted,
  modelIdOf,
  modelResultOf,
  usageOf,
} from './strands-shapes.js';

type ModelHandler = MiddlewareHandlerOf<typeof InvokeModelStage>;
type ModelStep = Awaited<ReturnType<ReturnType<Parameters<ModelHandler>[1]>['next']>>;
type ModelContext = Parameters<ModelHandler>[0];

/** One metered model call: its run, its recorder call, what the model's traits say of it. */
interface MeteredCall {
  readonly run: AgentRun;
  readonly call: ModelCall;
  readonly traits: ModelTraits | undefined;
  readonly streamed: boolean;
}

/**
 * Wraps the model's own work (Strands' `InvokeModelStage`): one model call per stage run, the
 * provider's stream driven inside that call's HTTP-attempt scope until its first token, so each
 * request the provider client makes (its retries included, all made before the answer streams)
 * is one of the call's attempts (Bedrock's HTTP/2 attempts through its client's middleware, see
 * `traitsOf`). Usage comes from the aggregated result (`metadata.usage`, which every provider
 * reports), the first token from the first content delta of a streamed call.
 */
export function meterModelCalls(runs: OpenRuns<object, AgentRun>, diagnostics: Diagnostics): ModelHandler {
  return async function* meteredModelCall(context, next) {
    const metered = startCall(context, runs, diagnostics);
    if (metered === undefined) return yield* next(context);
    const inner = next(context);
    let settled = false;
    try {
      // startModelCall made the call the attempt scope of this synchronous stretch: the first step
      // starts inside it without a scope of its own (two async context frames less per call, ~3 k)
      let step: ModelStep = await inner.next();
      if (!step.done && !isContentDelta(step.value)) {
        // the provider's request (and every retry of it) starts before its first event; later
        // steps only read the answer (one closure per call, not per step)
        const nextStep = () => inner.next();
        do {
          yield step.value;
          step = await runInAttemptScope(metered.call, nextStep);
        } while (!step.done && !isContentDelta(step.value));
      }
      if (!step.done) {
        if (metered.streamed) metered.call.firstToken();
        do {
          yield step.value;
          step = await inner.next();
        } while (!step.done);
      }
      settled = true;
      endCall(metered, context.model, step.value, diagnostics);
      return step.value;
    } catch (error) {
      settled = true;
      failCall(metered, context.agent, error, diagnostics);
      throw error;
    } finally {
      // the consumer stopped early: close the provider's stream too (the call is abandoned with the run)
      if (!settled) await inner.return(undefined as never);
    }
  };
}

/**
 * Starts the model call of an agent's open run (none when the agent has no open run). Its steps
 * are try blocks of their own, not `guard` callbacks: three closures and calls less per call.
 */
function startCall(
  context: ModelContext,
  runs: OpenRuns<object, AgentRun>,
  diagnostics: Diagnostics,
): MeteredCall | undefined {
  const model = context.model;
  let run: AgentRun | undefined;
  try {
    run = runs.get(context.agent);
  } catch (error) {
    diagnostics.reportError(SOURCE, error);
  }
  if (!run) return undefined;
  let traits: ModelTraits | undefined;
  try {
    traits = traitsOf(model);
  } catch (error) {
    diagnostics.reportError(SOURCE, error);
  }
  let streamed = true;
  if (traits)
    try {
      streamed = streams(model, traits) !== false;
    } catch (error) {
      diagnostics.reportError(SOURCE, error);
    }
  const call = run.recorder.startModelCall({ model: modelIdOf(model), streamed });
  return { run, call, traits, streamed };
}

function failCall(metered: MeteredCall, agent: unknown, error: unknown, diagnostics: Diagnostics): void {
  const cause = guard(diagnostics, SOURCE, () => cancellationOf(agent, error)) ?? error;
  metered.call.fail(cause);
  metered.run.error = cause;
}

/** A call the SDK unwound because the run was cancelled failed with the cancellation (the signal's reason: an abort, a timeout). */
function cancellationOf(agent: unknown, error: unknown): unknown {
  if (readField(error, 'name') !== 'CancelledError') return error;
  const signal = cancelSignalOf(agent);
  return isAborted(signal) ? (readField(signal, 'reason') ?? error) : error;
}

function endCall(metered: MeteredCall, model: unknown, value: unknown, diagnostics: Diagnostics): void {
  try {
    const result = modelResultOf(value);
    metered.call.end({
      usage: fromStrandsUsage(usageOf(result), usageOptionsOf(metered.traits)),
      model: modelIdOf(model),
    });
    metered.run.error = undefined;
    if (isRedacted(result))
      metered.run.recorder.recordGuardrailTrip({ name: 'model-redaction', kind: 'redaction' });
  } catch (error) {
    diagnostics.reportError(SOURCE, error);
  }
}
