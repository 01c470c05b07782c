import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../server/send-json.js';
import { API_FORMATS, type CompletionApi, providerHeaders } from './api-formats.js';
import { answerDuration, contentFrameCount, toAnswer } from './answer.js';
import { defaultErrorMessage, errorBody } from './errors.js';
import { streamFrames } from './event-stream.js';
import type { IncomingModelRequest } from './incoming-request.js';
import { DEFAULT_QUEUE } from './script-queues.js';
import type {
  ErrorStep,
  ModelServerOptions,
  RecordedModelRequest,
  ScriptStep,
  TextStep,
  ToolCallsStep,
} from './types.js';

/** What answering a step needs from the server. */
export interface AnswerContext {
  options: Pick<ModelServerOptions, 'defaultModel' | 'defaultUsage' | 'toolCallIds'>;
  /** Sleeps unless the server closes first; resolves `false` when it closed. */
  sleep(ms: number): Promise<boolean>;
  /** Responses held open by `hang` steps, ended when the server closes. */
  hanging: Set<ServerResponse>;
}

/** A scripted error: the API's own error body, with `Retry-After` when the step gives one. */
function answerError(res: ServerResponse, api: CompletionApi, step: ErrorStep): void {
  const { status, retryAfter } = step.error;
  const headers: Record<string, string> = providerHeaders(api);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  sendJson(res, status, errorBody(api, status, step.error.message ?? defaultErrorMessage(status)), headers);
}

/** A scripted text or tool-call answer, streamed or whole, after its scripted delays. */
async function answerCompletion(
  ctx: AnswerContext,
  res: ServerResponse,
  api: CompletionApi,
  step: TextStep | ToolCallsStep,
  incoming: IncomingModelRequest,
): Promise<void> {
  const { defaultModel, defaultUsage, toolCallIds } = ctx.options;
  const format = API_FORMATS[api];
  const answer = toAnswer(step, format.modelOfPath?.(incoming.record.path) ?? incoming.body.model, {
    ...(defaultModel ? { model: defaultModel } : {}),
    ...(defaultUsage ? { usage: defaultUsage } : {}),
    ...(toolCallIds ? { toolCallIds } : {}),
  });
  if (incoming.record.stream) {
    const frames = format.frames(answer, incoming.body);
    return streamFrames(res, providerHeaders(api), answer, frames, (ms) => ctx.sleep(ms), format.contentType);
  }
  const alive = await ctx.sleep(answerDuration(answer, contentFrameCount(answer)));
  if (!alive || answer.dropAfterChunks !== undefined) {
    res.destroy();
    return;
  }
  sendJson(res, 200, format.json(answer, incoming.body), providerHeaders(api));
}

/** Answers a request with its step: the faults (`drop`, `hang`, `error`) or a completion. */
export async function answerStep(
  ctx: AnswerContext,
  req: IncomingMessage,
  res: ServerResponse,
  api: CompletionApi,
  step: ScriptStep,
  incoming: IncomingModelRequest,
): Promise<void> {
  if ('drop' in step) {
    req.socket.destroy();
    return;
  }
  if ('hang' in step) {
    ctx.hanging.add(res);
    res.on('close', () => ctx.hanging.delete(res));
    return;
  }
  if ('error' in step) return answerError(res, api, step);
  return answerCompletion(ctx, res, api, step, incoming);
}

/** The "script ran out" error (500, never to be retried) when a request's queue has no step left. */
export function answerExhausted(
  res: ServerResponse,
  api: CompletionApi,
  record: RecordedModelRequest,
  queue: string,
): void {
  const which = queue === DEFAULT_QUEUE ? 'the default queue' : `queue "${queue}"`;
  const hint =
    record.scriptKey !== undefined && queue === DEFAULT_QUEUE
      ? ` (no queue was scripted for script:${record.scriptKey})`
      : '';
  const text = `@metrics/testkit: the script ran out: ${which} has no step left for ${record.method} ${record.path}${hint}`;
  sendJson(res, 500, errorBody(api, 500, text), { ...providerHeaders(api), 'x-should-retry': 'false' });
}
