import type { InvocationExporter } from '../exporter.js';
import type { ErrorCounters, InvocationRecord, InvocationSummary, ToolCounts } from '../recorder/record.js';
import { emptyErrorCounters, summarizeInvocation } from '../recorder/summarize.js';
import { addUsage } from '../usage/usage-total.js';
import type { Usage } from '../usage/usage.js';

/** Totals over any number of runs. */
export interface MetricsTotals {
  runs: number;
  usage: Usage | undefined;
  modelCalls: number;
  modelLatencyMs: number;
  totalTimeMs: number;
  tools: { api: ToolCounts; mcp: ToolCounts };
  errors: ErrorCounters;
  guardrailHits: number;
}

export interface RunMetrics {
  runId: string;
  name?: string;
  startedAt: number;
  durationMs: number;
  outcome: 'success' | 'error';
  /** The leader's own calls only. */
  leader: InvocationSummary;
  /** Leader plus member runs. */
  full: InvocationSummary;
}

export interface SessionMetrics {
  sessionId: string;
  /** Leader runs only (member runs excluded): the session view of the team leader. */
  leader: MetricsTotals;
  /** Leader plus every member run: the full team's session view. */
  full: MetricsTotals;
  /** Per member name (sub-agent, handoff target, team member), over the whole session. */
  members: Record<string, MetricsTotals>;
  /** The most recent runs (at most `maxRunsPerSession`), oldest first. */
  runs: RunMetrics[];
}

export interface SessionAggregatorOptions {
  /** Sessions kept; the least recently updated is evicted first. Default 1000. */
  maxSessions?: number;
  /** Run summaries kept per session (totals keep counting). Default 100. */
  maxRunsPerSession?: number;
  /** Session id for runs that carry none. Default `"default"`. */
  defaultSessionId?: string;
}

export function emptyTotals(): MetricsTotals {
  return {
    runs: 0,
    usage: undefined,
    modelCalls: 0,
    modelLatencyMs: 0,
    totalTimeMs: 0,
    tools: { api: { calls: 0, success: 0, failure: 0 }, mcp: { calls: 0, success: 0, failure: 0 } },
    errors: emptyErrorCounters(),
    guardrailHits: 0,
  };
}

/** Adds one run's summary to running totals (exact integer addition for tokens and counts). */
export function addToTotals(totals: MetricsTotals, summary: InvocationSummary, durationMs: number): void {
  totals.runs++;
  totals.usage = addUsage(totals.usage, summary.usage);
  totals.modelCalls += summary.modelCalls;
  totals.modelLatencyMs += summary.modelLatencyMs;
  totals.totalTimeMs += durationMs;
  for (const type of ['api', 'mcp'] as const) {
    totals.tools[type].calls += summary.tools[type].calls;
    totals.tools[type].success += summary.tools[type].success;
    totals.tools[type].failure += summary.tools[type].failure;
  }
  for (const key of Object.keys(totals.errors) as Array<keyof ErrorCounters>)
    totals.errors[key] += summary.errors[key];
  totals.guardrailHits += summary.guardrailHits;
}

/**
 * Rolls finished invocations up by conversation (the `sessionId` the user supplied): per run,
 * per member, per session, leader-only and leader-plus-members. Usable as an exporter.
 * Memory is bounded by `maxSessions` × `maxRunsPerSession`.
 */
export class SessionAggregator implements InvocationExporter {
  readonly name = 'session-aggregator';
  private readonly sessionsById = new Map<string, SessionMetrics>();
  private readonly maxSessions: number;
  private readonly maxRuns: number;
  private readonly defaultSessionId: string;

  constructor(options: SessionAggregatorOptions = {}) {
    this.maxSessions = Math.max(1, options.maxSessions ?? 1000);
    this.maxRuns = Math.max(0, options.maxRunsPerSession ?? 100);
    this.defaultSessionId = options.defaultSessionId ?? 'default';
  }

  export(record: InvocationRecord): void {
    const id = record.sessionId ?? this.defaultSessionId;
    let session = this.sessionsById.get(id);
    if (session) {
      this.sessionsById.delete(id);
    } else {
      session = { sessionId: id, leader: emptyTotals(), full: emptyTotals(), members: {}, runs: [] };
      if (this.sessionsById.size >= this.maxSessions) {
        const oldest = this.sessionsById.keys().next().value;
        if (oldest !== undefined) this.sessionsById.delete(oldest);
      }
    }
    this.sessionsById.set(id, session);
    const leader = summarizeInvocation(record, { includeMembers: false });
    addToTotals(session.leader, leader, record.durationMs);
    addToTotals(session.full, record.summary, record.durationMs);
    const addMembers = (parent: InvocationRecord) => {
      for (const member of parent.members) {
        const name = member.name ?? member.memberKind ?? 'member';
        let totals = session.members[name];
        if (!totals) {
          totals = emptyTotals();
          session.members[name] = totals;
        }
        addToTotals(totals, summarizeInvocation(member, { includeMembers: false }), member.durationMs);
        addMembers(member);
      }
    };
    addMembers(record);
    if (this.maxRuns > 0) {
      const run: RunMetrics = {
        runId: record.runId,
        startedAt: record.startedAt,
        durationMs: record.durationMs,
        outcome: record.outcome,
        leader,
        full: record.summary,
      };
      if (record.name !== undefined) run.name = record.name;
      session.runs.push(run);
      if (session.runs.length > this.maxRuns) session.runs.shift();
    }
  }

  session(sessionId: string): SessionMetrics | undefined {
    return this.sessionsById.get(sessionId);
  }

  sessions(): SessionMetrics[] {
    return [...this.sessionsById.values()];
  }

  clear(): void {
    this.sessionsById.clear();
  }
}
