import { ToolResultError } from '@metrics/core';
import { type InvocationRecorder, fromGeminiUsage, now, readField } from '@metrics/core';
import { AttemptLog, type HttpAttempt, isFailedAttempt } from '@metrics/core/adapter';
import { modelOfAgent } from './adk-shapes.js';

/** A failed model call of an `AgentTool`'s child run, known from its HTTP attempt or its error event. */
export class ChildModelError extends Error {
  override name = 'ChildModelError';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

interface SessionKey {
  appName: string;
  userId: string;
  sessionId: string;
}

interface SessionServiceLike {
  getSession(request: SessionKey): Promise<unknown>;
}

/** The events of a session (an empty list when it does not exist yet). */
async function eventsOf(service: SessionServiceLike, key: SessionKey): Promise<unknown[]> {
  const events = readField(await service.getSession(key), 'events');
  return Array.isArray(events) ? events : [];
}

/**
 * One call of an `AgentTool`. The ADK runs its agent in a runner of its own, without the parent's
 * plugins, so the plugin sees none of its callbacks. What it leaves behind is read instead: its
 * HTTP requests (made in the tool call's async context) and its events, which the child runner
 * appends to the parent's session service (app name = the agent's name, same user and session).
 */
export class AgentToolRun {
  readonly log = new AttemptLog();
  readonly startedAt = now();
  private readonly agent: unknown;
  private readonly service: SessionServiceLike | undefined;
  private readonly key: SessionKey;
  private known: Promise<Set<unknown>> | undefined;

  constructor(tool: unknown, context: unknown) {
    this.agent = readField(tool, 'agent');
    this.service = readField(readField(context, 'invocationContext'), 'sessionService') as
      | SessionServiceLike
      | undefined;
    this.key = {
      appName: String(readField(this.agent, 'name')),
      userId: String(readField(context, 'userId')),
      sessionId: String(readField(context, 'sessionId')),
    };
  }

  /** Notes the invocations already in the child's session, so only the new one is read at the end. */
  async readSession(): Promise<void> {
    if (!this.service) return;
    this.known = eventsOf(this.service, this.key).then(
      (events) => new Set(events.map((e) => readField(e, 'invocationId'))),
    );
    await this.known;
  }

  /** Records the child run as a `tool-agent` member run of `parent`: its model calls, usage and tools. */
  async finish(parent: InvocationRecorder): Promise<void> {
    this.log.close();
    const endedAt = now();
    const known = await this.known;
    const events = this.service && known ? await eventsOf(this.service, this.key) : [];
    const own = events.filter((e) => !known?.has(readField(e, 'invocationId')));
    const model = modelOfAgent(this.agent);
    const member = parent.startMemberRun({
      kind: 'tool-agent',
      name: this.key.appName,
      startedAt: this.startedAt,
      ...(model !== undefined ? { model } : {}),
    });
    const attempts = this.log.attempts().filter((a) => a.modelPath);
    recordModelCalls(member, own, attempts, model);
    recordToolCalls(member, own);
    member.end({ endedAt });
  }
}

function recordModelCalls(
  member: InvocationRecorder,
  events: unknown[],
  attempts: HttpAttempt[],
  model?: string,
): void {
  const answers = attempts.filter((a) => !isFailedAttempt(a));
  for (const failed of attempts.filter(isFailedAttempt)) {
    member.recordModelCall({
      startedAt: failed.startedAt,
      endedAt: failed.endedAt ?? failed.startedAt,
      error: failed.error ?? new ChildModelError(`HTTP ${failed.status}`, failed.status),
      ...(model !== undefined ? { model } : {}),
    });
  }
  let answer = 0;
  for (const event of events) {
    const at = Number(readField(event, 'timestamp')) || now();
    const errorCode = readField(event, 'errorCode');
    const usage = readField(event, 'usageMetadata');
    const reported = readField(event, 'modelVersion');
    const name = typeof reported === 'string' ? reported : model;
    if (errorCode !== undefined && attempts.length === 0) {
      const status = Number(errorCode);
      member.recordModelCall({
        startedAt: at,
        endedAt: at,
        error: new ChildModelError(
          String(readField(event, 'errorMessage') ?? errorCode),
          Number.isInteger(status) ? status : undefined,
        ),
        ...(name !== undefined ? { model: name } : {}),
      });
    } else if (usage !== undefined && errorCode === undefined) {
      const http = answers[answer++];
      member.recordModelCall({
        startedAt: http?.startedAt ?? at,
        endedAt: http?.endedAt ?? at,
        usage: fromGeminiUsage(usage),
        ...(name !== undefined ? { model: name } : {}),
      });
    }
  }
}

/** The child's tools, from its function-call and function-response events. */
function recordToolCalls(member: InvocationRecorder, events: unknown[]): void {
  const calledAt = new Map<unknown, number>();
  for (const event of events) {
    const at = Number(readField(event, 'timestamp')) || now();
    const parts = readField(readField(event, 'content'), 'parts');
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      const call = readField(part, 'functionCall');
      if (call !== undefined) calledAt.set(readField(call, 'id'), at);
      const response = readField(part, 'functionResponse');
      if (response === undefined) continue;
      const result = readField(response, 'response');
      const error = readField(result, 'error');
      const failed = error !== undefined || readField(result, 'isError') === true;
      member.recordToolCall({
        name: String(readField(response, 'name')),
        startedAt: calledAt.get(readField(response, 'id')) ?? at,
        endedAt: at,
        outcome: failed ? 'failure' : 'success',
        ...(failed ? { error: new ToolResultError(String(error ?? 'tool returned an error result')) } : {}),
      });
    }
  }
}
