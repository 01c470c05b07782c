import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.js';
import { SMITHY_ATTEMPTS_MIDDLEWARE, addSmithyAttemptsMiddleware } from './smithy-attempts.js';

type Handler = (args: { request: object }) => Promise<{ response: { statusCode?: number } }>;

/** A Smithy-shaped client: one middleware stack, a terminal that answers with the scripted statuses. */
function fakeClient(protocol: string, statuses: number[]) {
  const added = new Map<string, (next: Handler) => Handler>();
  const client = {
    config: { requestHandler: { metadata: { handlerProtocol: protocol } } },
    middlewareStack: {
      add: (middleware: (next: Handler) => Handler, options: { name: string }) =>
        void added.set(options.name, middleware),
      remove: (name: string) => added.delete(name),
    },
  };
  const send = async () => {
    const terminal: Handler = async () => ({ response: { statusCode: statuses.shift() } });
    const handler = [...added.values()].reduce((next, middleware) => middleware(next), terminal);
    for (;;) {
      const { response } = await handler({
        request: { protocol: 'http:', hostname: '127.0.0.1', port: 4010, path: '/model/m/converse' },
      });
      if (response.statusCode !== 429) return response; // the client's own retry of a throttle
    }
  };
  return { client, added, send };
}

describe('addSmithyAttemptsMiddleware', () => {
  it('notes every HTTP/2 attempt in the open model call: a 429 then a 200 are 2 calls, 1 throttle', async () => {
    const metrics = createMetrics({ exporters: [], logger: false });
    const { client, added, send } = fakeClient('h2', [429, 200]);
    const remove = addSmithyAttemptsMiddleware(client);
    expect([...added.keys()]).toEqual([SMITHY_ATTEMPTS_MIDDLEWARE]);
    const run = metrics.startInvocation({ name: 'smithy' });
    const call = run.startModelCall({ model: 'm' });
    await send();
    call.end({ usage: { inputTokens: 5, outputTokens: 1 } });
    const record = run.end();
    expect(record?.modelCalls.map((c) => [c.attempt, c.status, c.outcome])).toEqual([
      [1, 429, 'error'],
      [2, undefined, 'success'],
    ]);
    expect(record?.summary.errors.modelInvocationThrottles).toBe(1);
    remove();
    expect(added.size).toBe(0);
  });

  it('leaves HTTP/1.1 clients to the diagnostics channels (nothing noted), and clients without a stack alone', async () => {
    const metrics = createMetrics({ exporters: [], logger: false });
    const { client, send } = fakeClient('http/1.1', [429, 200]);
    addSmithyAttemptsMiddleware(client);
    const run = metrics.startInvocation({});
    const call = run.startModelCall({ model: 'm' });
    await send();
    call.end({});
    expect(run.end()?.modelCalls).toHaveLength(1);
    expect(() => addSmithyAttemptsMiddleware({})()).not.toThrow();
  });
});
