import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { message, messageFrames } from './anthropic-messages.js';
import {
  type Answer,
  answerDuration,
  contentFrameCount,
  type Frames,
  normalizeUsage,
  toAnswer,
} from './answer.js';
import { defaultErrorMessage, errorBody } from './errors.js';
import { chatCompletion, chatCompletionFrames } from './openai-chat.js';
import { response, responseFrames } from './openai-responses.js';
import {
  DEFAULT_MODEL,
  type ModelApi,
  type ModelServer,
  type ModelServerOptions,
  type RecordedModelRequest,
  type ScriptStep,
} from './types.js';

const SCRIPT_KEY = /script:([A-Za-z0-9_.:-]*[A-Za-z0-9_])/;
const DEFAULT_QUEUE = '';

/** Which API a path belongs to: matched on the end of the path, so any base URL prefix works. */
export function routeOf(method: string, path: string): ModelApi {
  const p = path.replace(/\/+$/, '');
  if (method === 'POST' && p.endsWith('/chat/completions')) return 'openai-chat';
  if (method === 'POST' && p.endsWith('/responses')) return 'openai-responses';
  if (method === 'POST' && p.endsWith('/messages')) return 'anthropic-messages';
  if (method === 'GET' && (p.endsWith('/models') || /\/models\/[^/]+$/.test(p))) return 'models';
  return 'unknown';
}

/** Checks a step when it is scripted, so a typo fails the test that wrote it, not a later request. */
export function validateStep(step: ScriptStep, where: string): void {
  if (typeof step !== 'object' || step === null) throw new TypeError(`${where} must be an object`);
  if ('error' in step) {
    const status = step.error?.status;
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new TypeError(`${where}.error.status must be an HTTP error status (400-599), got ${status}`);
    return;
  }
  if ('drop' in step || 'hang' in step) return;
  if ('toolCalls' in step) {
    if (!Array.isArray(step.toolCalls) || step.toolCalls.length === 0)
      throw new TypeError(`${where}.toolCalls must be a non-empty array`);
    step.toolCalls.forEach((call, i) => {
      if (typeof call?.name !== 'string' || call.name === '')
        throw new TypeError(`${where}.toolCalls[${i}].name must be a non-empty string`);
    });
  } else if (typeof (step as { text?: unknown }).text !== 'string') {
    throw new TypeError(`${where} must have text, toolCalls, error, drop or hang`);
  }
  normalizeUsage((step as { usage?: undefined }).usage, { input: 0, output: 0 });
  for (const field of ['firstChunkDelayMs', 'chunkDelayMs', 'dropAfterChunks'] as const) {
    const value = step[field];
    if (value !== undefined && (!Number.isFinite(value) || value < 0))
      throw new TypeError(`${where}.${field} must be a non-negative number, got ${value}`);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the scripted model server on loopback (an ephemeral port unless `port` is given). */
export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const queues = new Map<string, ScriptStep[]>();
  const requests: RecordedModelRequest[] = [];
  const exhausted: RecordedModelRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const hanging = new Set<ServerResponse>();
  let closed = false;

  const enqueue = (key: string, steps: ScriptStep[]) => {
    if (!Array.isArray(steps)) throw new TypeError('script steps must be an array');
    steps.forEach((step, i) => {
      validateStep(step, `${key === DEFAULT_QUEUE ? 'script' : `script("${key}")`}[${i}]`);
    });
    const queue = queues.get(key) ?? [];
    queue.push(...steps);
    queues.set(key, queue);
  };
  if (options.script) enqueue(DEFAULT_QUEUE, options.script);
  for (const [key, steps] of Object.entries(options.scripts ?? {})) enqueue(key, steps);
  if (options.fallback) validateStep(options.fallback, 'fallback');
  if (
    options.toolCallIds !== undefined &&
    options.toolCallIds !== 'unique' &&
    options.toolCallIds !== 'reuse'
  )
    throw new TypeError(`toolCallIds must be 'unique' or 'reuse', not ${String(options.toolCallIds)}`);

  /** Sleeps unless the server closes first; resolves false when it closed. */
  const sleep = (ms: number): Promise<boolean> => {
    if (closed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve(!closed);
        }, ms),
        resolve: () => resolve(false),
      };
      timers.add(entry);
    });
  };

  const take = (scriptKey: string | undefined): { step?: ScriptStep; queue: string } => {
    const queue = scriptKey !== undefined && queues.has(scriptKey) ? scriptKey : DEFAULT_QUEUE;
    const step = queues.get(queue)?.shift();
    return step ? { step, queue } : { ...(options.fallback ? { step: options.fallback } : {}), queue };
  };

  const sendJson = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };

  const requestHeaders = (api: ModelApi): Record<string, string> =>
    api === 'anthropic-messages'
      ? { 'request-id': `req_${randomUUID().replace(/-/g, '')}` }
      : { 'x-request-id': `req_${randomUUID().replace(/-/g, '')}`, 'openai-processing-ms': '1' };

  const stream = async (res: ServerResponse, api: ModelApi, answer: Answer, frames: Frames) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...requestHeaders(api),
    });
    res.flushHeaders();
    for (let i = 0; i < frames.length; i++) {
      if (answer.dropAfterChunks !== undefined && i >= answer.dropAfterChunks) {
        res.socket?.destroy();
        return;
      }
      const alive = await sleep(i === 0 ? answer.firstChunkDelayMs : answer.chunkDelayMs);
      if (!alive || res.destroyed) {
        res.destroy();
        return;
      }
      const frame = frames[i]!.join('');
      if (answer.dropAfterChunks === undefined) res.write(frame);
      else await new Promise<void>((resolve) => res.write(frame, () => resolve()));
    }
    res.end();
  };

  const listModels = (res: ServerResponse) => {
    const ids = new Set<string>([
      options.defaultModel ?? DEFAULT_MODEL,
      'gpt-4o',
      'gpt-4.1-mini',
      'claude-sonnet-4-5',
    ]);
    const data = [...ids].map((id) => ({
      id,
      object: 'model',
      type: 'model',
      created: 1_700_000_000,
      created_at: '2023-11-14T22:13:20Z',
      owned_by: 'metrics-testkit',
      display_name: id,
    }));
    sendJson(res, 200, {
      object: 'list',
      data,
      has_more: false,
      first_id: data[0]?.id,
      last_id: data.at(-1)?.id,
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const api = routeOf(method, url.pathname);
    let body: unknown;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const scriptKey = SCRIPT_KEY.exec(raw)?.[1];
    const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
    const request = (isObject ? body : {}) as Record<string, unknown>;
    const record: RecordedModelRequest = {
      method,
      path: url.pathname,
      headers: req.headers,
      body,
      ...(scriptKey !== undefined ? { scriptKey } : {}),
      api,
      stream: request.stream === true,
      status: 0,
      receivedAt: Date.now(),
    };
    res.on('close', () => {
      if (res.headersSent) record.status = res.statusCode;
    });
    requests.push(record);

    if (api === 'models') {
      const single = /\/models\/([^/]+)$/.exec(url.pathname)?.[1];
      if (single && single !== 'models') {
        const id = decodeURIComponent(single);
        sendJson(res, 200, {
          id,
          object: 'model',
          type: 'model',
          created: 1_700_000_000,
          owned_by: 'metrics-testkit',
          display_name: id,
        });
      } else listModels(res);
      return;
    }
    if (api === 'unknown') {
      sendJson(
        res,
        404,
        errorBody(api, 404, `@metrics/testkit model server has no route ${method} ${url.pathname}`),
      );
      return;
    }
    if (raw !== '' && !isObject) {
      sendJson(res, 400, errorBody(api, 400, 'The request body must be a JSON object'), requestHeaders(api));
      return;
    }

    const { step, queue } = take(scriptKey);
    if (!step) {
      record.exhausted = true;
      exhausted.push(record);
      const which = queue === DEFAULT_QUEUE ? 'the default queue' : `queue "${queue}"`;
      const hint =
        scriptKey !== undefined && queue === DEFAULT_QUEUE
          ? ` (no queue was scripted for script:${scriptKey})`
          : '';
      sendJson(
        res,
        500,
        errorBody(
          api,
          500,
          `@metrics/testkit: the script ran out: ${which} has no step left for ${method} ${url.pathname}${hint}`,
        ),
        { ...requestHeaders(api), 'x-should-retry': 'false' },
      );
      return;
    }
    record.step = step;

    if ('drop' in step) {
      req.socket.destroy();
      return;
    }
    if ('hang' in step) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if ('error' in step) {
      const { status, retryAfter } = step.error;
      const headers: Record<string, string> = requestHeaders(api);
      if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
      sendJson(
        res,
        status,
        errorBody(api, status, step.error.message ?? defaultErrorMessage(status)),
        headers,
      );
      return;
    }

    const answer = toAnswer(step, request.model, {
      ...(options.defaultModel ? { model: options.defaultModel } : {}),
      ...(options.defaultUsage ? { usage: options.defaultUsage } : {}),
      ...(options.toolCallIds ? { toolCallIds: options.toolCallIds } : {}),
    });
    if (record.stream) {
      const streamOptions = request.stream_options as { include_usage?: unknown } | undefined;
      const frames =
        api === 'openai-chat'
          ? chatCompletionFrames(answer, streamOptions?.include_usage === true)
          : api === 'openai-responses'
            ? responseFrames(answer, request)
            : messageFrames(answer);
      await stream(res, api, answer, frames);
      return;
    }
    if (
      !(await sleep(answerDuration(answer, contentFrameCount(answer)))) ||
      answer.dropAfterChunks !== undefined
    ) {
      res.destroy();
      return;
    }
    const result =
      api === 'openai-chat'
        ? chatCompletion(answer)
        : api === 'openai-responses'
          ? response(answer, request)
          : message(answer);
    sendJson(res, 200, result, requestHeaders(api));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendJson(
          res,
          500,
          errorBody('unknown', 500, `@metrics/testkit model server failed: ${String(error)}`),
        );
      } else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('model server has no TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  function script(keyOrSteps: string | ScriptStep[], maybeSteps?: ScriptStep[]): void {
    if (typeof keyOrSteps === 'string') {
      if (keyOrSteps === '') throw new TypeError('a script key must not be empty');
      enqueue(keyOrSteps, maybeSteps ?? []);
    } else enqueue(DEFAULT_QUEUE, keyOrSteps);
  }

  return {
    url,
    port: address.port,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    exhausted,
    script: script as ModelServer['script'],
    pending() {
      const out: Record<string, number> = {};
      for (const [key, queue] of queues) if (queue.length > 0) out[key] = queue.length;
      return out;
    },
    reset() {
      queues.clear();
      requests.length = 0;
      exhausted.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
      for (const res of hanging) res.destroy();
      hanging.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}
