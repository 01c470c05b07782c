import { sendAsNotedAttempt } from '@metrics/core/adapter';

// the parts of a Smithy client read here
interface MiddlewareStack {
  add(middleware: unknown, options: { step: string; priority?: string; name: string }): void;
  remove(name: string): boolean;
}
export interface SmithyClient {
  middlewareStack?: MiddlewareStack;
  config?: { requestHandler?: { metadata?: { handlerProtocol?: string } } };
}
interface HttpRequest {
  protocol?: string;
  hostname?: string;
  port?: number;
  path?: string;
}

export const ATTEMPTS_MIDDLEWARE = 'metricsHttpAttempts';

function originOf(request: HttpRequest): string {
  const port = request.port ? `:${request.port}` : '';
  return `${request.protocol ?? 'https:'}//${request.hostname ?? 'unknown'}${port}`;
}

/**
 * Notes each HTTP attempt the client sends over HTTP/2 (its default handler) in the current model
 * call's attempt log: Node publishes no diagnostics channel the core reads for HTTP/2 requests.
 * Over HTTP/1.1 (a `NodeHttpHandler`) the core sees the requests itself, so nothing is noted here.
 */
function attemptsMiddleware(client: SmithyClient) {
  return (next: (args: { request: HttpRequest }) => Promise<{ response: { statusCode?: number } }>) =>
    (args: { request: HttpRequest }) =>
      client.config?.requestHandler?.metadata?.handlerProtocol === 'h2'
        ? sendAsNotedAttempt(
            originOf(args.request),
            args.request.path,
            () => next(args),
            (result) => result.response?.statusCode,
          )
        : next(args);
}

/** Adds the attempts middleware (innermost: after retries and signing, once per attempt); returns its removal. */
export function addAttemptsMiddleware(client: SmithyClient): () => void {
  const stack = client.middlewareStack;
  if (!stack) return () => {};
  stack.remove(ATTEMPTS_MIDDLEWARE);
  stack.add(attemptsMiddleware(client), { step: 'deserialize', priority: 'low', name: ATTEMPTS_MIDDLEWARE });
  return () => {
    stack.remove(ATTEMPTS_MIDDLEWARE);
  };
}
