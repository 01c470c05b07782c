import { describe, expect, it } from 'vitest';
import { InvocationRecorder } from '../recorder/invocation-recorder.js';
import type { InvocationRecord } from '../recorder/record.js';
import { fromOpenAIChatUsage } from '../usage/from-openai.js';
import { SessionAggregator } from './session-aggregator.js';

const T0 = 1_763_892_000_000;

function teamRun(
  sessionId: string | undefined,
  leaderTokens: number,
  memberTokens: number,
): InvocationRecord {
  const leader = new InvocationRecorder({ startedAt: T0, ...(sessionId ? { sessionId } : {}) });
  leader.recordModelCall({
    startedAt: T0,
    endedAt: T0 + 100,
    usage: fromOpenAIChatUsage({ prompt_tokens: leaderTokens, completion_tokens: 10 }),
  });
  leader.recordToolCall({ name: 'delegate', outcome: 'success', startedAt: T0 + 100, endedAt: T0 + 300 });
  const member = leader.startMemberRun({ kind: 'team-member', name: 'researcher', startedAt: T0 + 100 });
  member.recordModelCall({
    startedAt: T0 + 120,
    endedAt: T0 + 220,
    usage: fromOpenAIChatUsage({ prompt_tokens: memberTokens, completion_tokens: 5 }),
  });
  member.recordToolCall({
    name: 'web',
    type: 'mcp',
    outcome: 'failure',
    startedAt: T0 + 220,
    endedAt: T0 + 250,
  });
  member.end({ endedAt: T0 + 260 });
  return leader.end({ endedAt: T0 + 400 })!;
}

describe('SessionAggregator', () => {
  it('totals per session, leader only and leader plus members, and per member', () => {
    const sessions = new SessionAggregator();
    sessions.export(teamRun('chat-1', 100, 40));
    sessions.export(teamRun('chat-1', 200, 60));
    sessions.export(teamRun('chat-2', 1, 1));
    const chat1 = sessions.session('chat-1')!;
    expect(chat1.leader).toMatchObject({
      runs: 2,
      modelCalls: 2,
      usage: { inputTokens: 300, outputTokens: 20, totalTokens: 320 },
      tools: { api: { calls: 2, success: 2, failure: 0 }, mcp: { calls: 0, success: 0, failure: 0 } },
      totalTimeMs: 800,
    });
    expect(chat1.full).toMatchObject({
      runs: 2,
      modelCalls: 4,
      usage: { inputTokens: 400, outputTokens: 30, totalTokens: 430 },
      tools: { api: { calls: 2, success: 2, failure: 0 }, mcp: { calls: 2, success: 0, failure: 2 } },
      modelLatencyMs: 400,
    });
    expect(chat1.members.researcher).toMatchObject({
      runs: 2,
      modelCalls: 2,
      usage: { inputTokens: 100, outputTokens: 10 },
    });
    expect(chat1.runs.map((r) => [r.leader.usage?.inputTokens, r.full.usage?.inputTokens])).toEqual([
      [100, 140],
      [200, 260],
    ]);
    expect(sessions.sessions().map((s) => s.sessionId)).toEqual(['chat-1', 'chat-2']);
  });

  it('stays bounded: evicts the least recently updated session and keeps the last runs', () => {
    const sessions = new SessionAggregator({ maxSessions: 2, maxRunsPerSession: 3 });
    sessions.export(teamRun('a', 1, 1));
    sessions.export(teamRun('b', 1, 1));
    sessions.export(teamRun('a', 1, 1));
    sessions.export(teamRun('c', 1, 1));
    expect(sessions.sessions().map((s) => s.sessionId)).toEqual(['a', 'c']);
    for (let i = 0; i < 5; i++) sessions.export(teamRun(undefined, i, 0));
    const fallback = sessions.session('default')!;
    expect(fallback.runs).toHaveLength(3);
    expect(fallback.leader.runs).toBe(5);
    expect(fallback.leader.usage?.inputTokens).toBe(10);
  });
});
