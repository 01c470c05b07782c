import type { ErrorCategory, ErrorInfo } from '../errors/classify-error.js';
import { UsageTotal } from '../usage/usage-total.js';
import { unionLength } from './intervals.js';
import type { ErrorCounters, InvocationRecord, InvocationSummary, ModelCallRecord } from './record.js';

export function emptyErrorCounters(): ErrorCounters {
  return {
    invocationServerErrors: 0,
    invocationClientErrors: 0,
    modelInvocationThrottles: 0,
    modelInvocationClientErrors: 0,
    modelInvocationServerErrors: 0,
    modelInvocationUnknownErrors: 0,
  };
}

/** The counter a failed model call increments. */
export function modelErrorCounter(category: ErrorCategory): keyof ErrorCounters {
  switch (category) {
    case 'throttle':
      return 'modelInvocationThrottles';
    case 'client':
      return 'modelInvocationClientErrors';
    case 'server':
    case 'network':
    case 'timeout':
      return 'modelInvocationServerErrors';
    default:
      return 'modelInvocationUnknownErrors';
  }
}

/** The counter an error outside model calls increments: by HTTP status when it has one. */
export function invocationErrorCounter(error: ErrorInfo): keyof ErrorCounters {
  if (error.status !== undefined && error.status >= 500) return 'invocationServerErrors';
  if (error.status !== undefined && error.status >= 400) return 'invocationClientErrors';
  return 'modelInvocationUnknownErrors';
}

interface Accumulator {
  summary: InvocationSummary;
  usage: UsageTotal;
  /** The model calls whose union of times is the model latency. */
  timed: ModelCallRecord[];
  firstCall: ModelCallRecord | undefined;
}

function accumulate(record: InvocationRecord, acc: Accumulator, includeMembers: boolean): void {
  const { summary } = acc;
  const calls = record.modelCalls;
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i]!;
    summary.modelCalls++;
    acc.usage.add(call.usage);
    acc.timed.push(call);
    // a failed attempt answered nothing: the first token comes from the first call that did not fail
    if (call.outcome !== 'error' && (!acc.firstCall || call.startedAt < acc.firstCall.startedAt))
      acc.firstCall = call;
    const model = call.model ?? record.model;
    // `models` has no prototype: every key, `__proto__` included, is its own or absent
    if (typeof model === 'string' && model) summary.models[model] = (summary.models[model] ?? 0) + 1;
    if (call.error) summary.errors[modelErrorCounter(call.error.category)]++;
  }
  const tools = record.toolCalls;
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i]!;
    // never indexed by the type itself: a bad value must not reach a prototype
    const counts = tool.type === 'mcp' ? summary.tools.mcp : summary.tools.api;
    counts.calls++;
    if (tool.outcome === 'success') counts.success++;
    else counts.failure++;
  }
  summary.guardrailHits += record.guardrailTrips.length;
  const errors = record.errors;
  for (let i = 0; i < errors.length; i++) summary.errors[invocationErrorCounter(errors[i]!)]++;
  if (includeMembers)
    for (let i = 0; i < record.members.length; i++) accumulate(record.members[i]!, acc, true);
}

/** Computes a run's totals: its own calls only, or with every member run rolled in. */
export function summarizeInvocation(
  record: InvocationRecord,
  options: { includeMembers: boolean },
): InvocationSummary {
  // built from flat literals: a literal that nests others is copied by the engine's slow path
  const api = { calls: 0, success: 0, failure: 0 };
  const mcp = { calls: 0, success: 0, failure: 0 };
  const tools = { api, mcp };
  const summary: InvocationSummary = {
    usage: undefined,
    modelCalls: 0,
    modelLatencyMs: 0,
    ttftMs: 0,
    tools,
    errors: emptyErrorCounters(),
    guardrailHits: 0,
    // null prototype: a model id such as `constructor` or `__proto__` is a key like any other
    models: Object.create(null) as Record<string, number>,
  };
  const acc: Accumulator = { summary, usage: new UsageTotal(), timed: [], firstCall: undefined };
  accumulate(record, acc, options.includeMembers);
  summary.usage = acc.usage.toUsage();
  summary.modelLatencyMs = unionLength(acc.timed);
  const first = acc.firstCall;
  if (first !== undefined && first.firstTokenAt !== undefined)
    summary.ttftMs = Math.max(0, first.firstTokenAt - record.startedAt);
  return summary;
}

/** The model id that served most calls (ties: the one used first); else the run's configured model. */
export function primaryModel(record: InvocationRecord): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  const models = record.summary.models;
  for (const model in models) {
    if (!Object.hasOwn(models, model)) continue;
    const count = models[model]!;
    if (count > bestCount) {
      best = model;
      bestCount = count;
    }
  }
  return best ?? record.model;
}
