import { sendAsNotedAttempt } from './noted-attempt.js';

// the parts of a Smithy (AWS SDK v3) client read here
interface MiddlewareStack {
  add(middleware: unknown, options: { step: string; priority?: string; name: string }): void;
  remove(name: string): boolean;
}
/** The parts of an AWS SDK v3 (Smithy) client `addSmithyAttemptsMiddleware` uses. */
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

/** The name the middleware is added under (adding it again replaces it). */
export const SMITHY_ATTEMPTS_MIDDLEWARE = 'metricsHttpAttempts';

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

/**
 * Adds the attempts middleware to an AWS SDK v3 client (innermost: after retries and signing, so
 * once per attempt); returns its removal. A client without a middleware stack is left alone.
 */
export function addSmithyAttemptsMiddleware(client: SmithyClient): () => void {
  const stack = client.middlewareStack;
  if (!stack) return () => {};
  stack.remove(SMITHY_ATTEMPTS_MIDDLEWARE);
  stack.add(attemptsMiddleware(client), {
    step: 'deserialize',
    priority: 'low',
    name: SMITHY_ATTEMPTS_MIDDLEWARE,
  });
  return () => {
    stack.remove(SMITHY_ATTEMPTS_MIDDLEWARE);
  };
}
