import type { InvocationRecorder } from '@metrics/core';

type Kind = 'input' | 'output' | 'tool_input' | 'tool_output';

const STATE_FIELDS: ReadonlyArray<readonly [Kind, string]> = [
  ['input', '_inputGuardrailResults'],
  ['output', '_outputGuardrailResults'],
  ['tool_input', '_toolInputGuardrailResults'],
  ['tool_output', '_toolOutputGuardrailResults'],
];

/** The SDK's tripwire errors, by class name (they may come from another copy of the SDK). */
const TRIPWIRE_ERRORS: Readonly<Record<string, Kind>> = {
  InputGuardrailTripwireTriggered: 'input',
  OutputGuardrailTripwireTriggered: 'output',
  ToolInputGuardrailTripwireTriggered: 'tool_input',
  ToolOutputGuardrailTripwireTriggered: 'tool_output',
};

/**
 * The tripwire error in `error` or what it wraps: a tool guardrail's tripwire reaches the caller
 * inside a `ToolCallError` (`.error`).
 */
function findTripwire(error: unknown): { kind: Kind; error: unknown } | undefined {
  let current = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const name = (current as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && Object.hasOwn(TRIPWIRE_ERRORS, name))
      return { kind: TRIPWIRE_ERRORS[name]!, error: current };
    const wrapper = current as { error?: unknown; cause?: unknown };
    current = wrapper.error ?? wrapper.cause;
  }
  return undefined;
}

/** True when the run ended because a guardrail tripped (counted as a guardrail hit, not an error). */
export function isTripwireError(error: unknown): boolean {
  return findTripwire(error) !== undefined;
}

/** An agent guardrail trips with `tripwireTriggered`; a tool guardrail with a behavior other than `allow`. */
function tripped(result: unknown): boolean {
  const output = (
    result as { output?: { tripwireTriggered?: unknown; behavior?: { type?: unknown } } } | null
  )?.output;
  if (typeof output !== 'object' || output === null) return false;
  if (output.tripwireTriggered === true) return true;
  const behavior = output.behavior?.type;
  return behavior === 'rejectContent' || behavior === 'throwException';
}

function guardrailName(result: unknown): string {
  const name = (result as { guardrail?: { name?: unknown } } | null)?.guardrail?.name;
  return typeof name === 'string' && name.length > 0 ? name : 'guardrail';
}

/**
 * Records every guardrail that tripped during the run: from the run state's guardrail results
 * (the result's `state`, or the `state` an SDK error carries) and from a tripwire error, each
 * result once. Input guardrails land on the run's own recorder, the others on the agent that
 * was running.
 */
export function recordGuardrailTrips(
  root: InvocationRecorder,
  current: InvocationRecorder,
  runState: unknown,
  error: unknown,
): void {
  // indexed loops, no closure and no set until a trip: every run ends here once, most trip nothing
  let seen: Set<unknown> | undefined;
  const tripwire = error === undefined ? undefined : findTripwire(error);
  runState ??= (tripwire?.error as { state?: unknown } | undefined)?.state;
  if (typeof runState === 'object' && runState !== null) {
    for (let i = 0; i < STATE_FIELDS.length; i++) {
      const kind = STATE_FIELDS[i]![0];
      const results = (runState as Record<string, unknown>)[STATE_FIELDS[i]![1]];
      if (!Array.isArray(results)) continue;
      for (let j = 0; j < results.length; j++) seen = recordTrip(root, current, kind, results[j], seen);
    }
  }
  if (tripwire)
    recordTrip(root, current, tripwire.kind, (tripwire.error as { result?: unknown }).result, seen);
}

/** Records `result` if it tripped and was not recorded yet; returns the results recorded so far. */
function recordTrip(
  root: InvocationRecorder,
  current: InvocationRecorder,
  kind: Kind,
  result: unknown,
  seen: Set<unknown> | undefined,
): Set<unknown> | undefined {
  if (seen?.has(result) || !tripped(result)) return seen;
  const recorded = seen ?? new Set<unknown>();
  recorded.add(result);
  (kind === 'input' ? root : current).recordGuardrailTrip({ name: guardrailName(result), kind });
  return recorded;
}
