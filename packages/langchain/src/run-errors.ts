import type { InvocationRecorder } from '@metrics/core';
import { guardrailName } from './langchain-shapes.js';

/**
 * How a run that failed with `error` ends: a guardrail's error (a middleware's block) is recorded
 * as a guardrail hit and not counted as an error; any other error is the run's error.
 */
export function failedRunEnd(
  recorder: InvocationRecorder,
  error: unknown,
): { error: unknown; countError: boolean } {
  const guardrail = guardrailName(error);
  if (guardrail) recorder.recordGuardrailTrip({ name: guardrail, kind: 'middleware' });
  return { error, countError: guardrail === undefined };
}
