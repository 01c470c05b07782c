import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from '../server/loopback-server.js';
import { sendJson } from '../server/send-json.js';
import { CancellableTimers } from '../server/timers.js';
import { providerHeaders } from './api-formats.js';
import { errorBody } from './errors.js';
import { readModelRequest } from './incoming-request.js';
import { startH2cListener } from './h2c-listener.js';
import { answerModels } from './models-route.js';
import { type AnswerContext, answerExhausted, answerStep } from './scripted-answer.js';
import { ScriptQueues } from './script-queues.js';
import type { ModelServer, ModelServerOptions, RecordedModelRequest } from './types.js';

export { routeOf } from './routes.js';
export { validateStep } from './script-queues.js';

/** The state of one running model server, and how it answers a request. */
class ModelServerState implements AnswerContext {
  readonly requests: RecordedModelRequest[] = [];
  readonly exhausted: RecordedModelRequest[] = [];
  readonly hanging = new Set<ServerResponse>();
  readonly queues: ScriptQueues;
  private readonly timers = new CancellableTimers();
  closed = false;

  constructor(readonly options: ModelServerOptions) {
    this.queues = ScriptQueues.from(options);
    const { toolCallIds } = options;
    if (toolCallIds !== undefined && toolCallIds !== 'unique' && toolCallIds !== 'reuse')
      throw new TypeError(`toolCallIds must be 'unique' or 'reuse', not ${String(toolCallIds)}`);
  }

  sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return this.timers.sleep(ms);
  }

  /** Records the request, routes it, and answers from the script. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const incoming = await readModelRequest(req, res);
    const { record } = incoming;
    const { api, method, path } = record;
    this.requests.push(record);
    if (api === 'models') return answerModels(res, path, this.options.defaultModel);
    if (api === 'unknown')
      return sendJson(
        res,
        404,
        errorBody(api, 404, `@metrics/testkit model server has no route ${method} ${path}`),
      );
    if (incoming.malformed)
      return sendJson(
        res,
        400,
        errorBody(api, 400, 'The request body must be a JSON object'),
        providerHeaders(api),
      );
    const { step, queue } = this.queues.take(record.scriptKey);
    if (!step) {
      record.exhausted = true;
      this.exhausted.push(record);
      return answerExhausted(res, api, record, queue);
    }
    record.step = step;
    return answerStep(this, req, res, api, step, incoming);
  }

  /** Ends every sleep and hanging answer (the server closes). */
  release(): void {
    this.closed = true;
    this.timers.cancelAll();
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }
}

function failureAnswer(res: ServerResponse, error: unknown): void {
  sendJson(res, 500, errorBody('unknown', 500, `@metrics/testkit model server failed: ${String(error)}`));
}

/** Starts the scripted model server on loopback (an ephemeral port unless `port` is given). */
export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const state = new ModelServerState(options);
  const server = new LoopbackServer('model server', (req, res) => state.handle(req, res), failureAnswer);
  const { port, url } = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  const h2c = await startH2cListener(
    (req, res) => state.handle(req, res).catch((error: unknown) => failureAnswer(res, error)),
    options.host ?? '127.0.0.1',
  );
  const { queues, requests, exhausted } = state;
  return {
    url,
    port,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    geminiBaseUrl: url,
    bedrockEndpoint: h2c.url,
    bedrockHttp1Endpoint: url,
    requests,
    exhausted,
    script: ((keyOrSteps, maybeSteps) => queues.script(keyOrSteps, maybeSteps)) as ModelServer['script'],
    pending: () => queues.pending(),
    reset() {
      queues.clear();
      requests.length = 0;
      exhausted.length = 0;
    },
    async close() {
      if (state.closed) return;
      state.release();
      await Promise.all([server.close(), h2c.close()]);
    },
  };
}
