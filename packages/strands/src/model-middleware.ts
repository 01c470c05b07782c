import { type Diagnostics, type ModelCall, fromStrandsUsage, guard, readField } from '@metrics/core';
import { type OpenRuns, runInAttemptScope } from '@metrics/core/adapter';
import type { InvokeModelStage } from '@strands-agents/sdk';
import type { MiddlewareHandlerOf } from '@strands-agents/sdk';
import type { AgentRun } from './agent-run.js';
import { SOURCE } from './options.js';
import { type ModelTraits, streams, traitsOf } from './model-traits.js';
import { isContentDelta, modelIdOf } from './strands-shapes.js';

type ModelHandler = MiddlewareHandlerOf<typeof InvokeModelStage>;
type ModelStep = Awaited<ReturnType<ReturnType<Parameters<ModelHandler>[1]>['next']>>;

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
    const run = guard(diagnostics, SOURCE, () => runs.get(context.agent));
    if (!run) return yield* next(context);
    const traits = guard(diagnostics, SOURCE, () => traitsOf(context.model));
    const streamed = traits
      ? guard(diagnostics, SOURCE, () => streams(context.model, traits)) !== false
      : true;
    const call = run.recorder.startModelCall({ model: modelIdOf(context.model), streamed });
    const inner = next(context);
    let settled = false;
    let sawToken = false;
    try {
      // startModelCall made the call the attempt scope of this synchronous stretch: the first step
      // starts inside it without a scope of its own (two async context frames less per call, ~3 k)
      let step: ModelStep = await inner.next();
      while (!step.done) {
        if (!sawToken && isContentDelta(step.value)) {
          sawToken = true;
          if (streamed) call.firstToken();
        }
        yield step.value;
        // the provider's request (and every retry of it) starts before its first event; later steps only read the answer
        step = sawToken ? await inner.next() : await runInAttemptScope(call, () => inner.next());
      }
      settled = true;
      guard(diagnostics, SOURCE, () => endCall(run, call, context.model, step.value, traits));
      return step.value;
    } catch (error) {
      settled = true;
      const cause = guard(diagnostics, SOURCE, () => cancellationOf(context.agent, error)) ?? error;
      call.fail(cause);
      run.error = cause;
      throw error;
    } finally {
      // the consumer stopped early: close the provider's stream too (the call is abandoned with the run)
      if (!settled) await inner.return(undefined as never);
    }
  };
}

/** A call the SDK unwound because the run was cancelled failed with the cancellation (the signal's reason: an abort, a timeout). */
function cancellationOf(agent: unknown, error: unknown): unknown {
  const signal = readField(agent, 'cancelSignal');
  if (readField(error, 'name') !== 'CancelledError' || readField(signal, 'aborted') !== true) return error;
  return readField(signal, 'reason') ?? error;
}

function endCall(
  run: AgentRun,
  call: ModelCall,
  model: unknown,
  value: unknown,
  traits: ModelTraits | undefined,
): void {
  const result = readField(value, 'result');
  const usage = readField(readField(result, 'metadata'), 'usage');
  call.end({
    usage: fromStrandsUsage(usage, {
      cacheInInput: traits?.cacheInInput ?? true,
      totalIncludesCache: traits?.smithy === true,
    }),
    model: modelIdOf(model),
  });
  run.error = undefined;
  if (readField(result, 'redaction') !== undefined)
    run.recorder.recordGuardrailTrip({ name: 'model-redaction', kind: 'redaction' });
}
