import { type CallStart, type MeteredCall, withModelCall } from './metered-call.js';
import type { ClientContext } from './options.js';

/**
 * Sends a request as one model call: `send` runs in the call's attempt scope, `observe` attaches
 * to what it returned. A synchronous throw fails the call and reaches the caller unchanged.
 */
export function meteredRequest<P>(
  context: ClientContext,
  start: CallStart,
  send: () => P,
  observe: (result: P, call: MeteredCall) => P,
): P {
  return withModelCall(context, start, (call) => {
    if (!call) return send();
    let result: P;
    try {
      result = send();
    } catch (error) {
      call.fail(error);
      throw error;
    }
    return observe(result, call);
  });
}

/** The `model` field of a request body, when it is a string. */
export function modelOf(body: unknown): string | undefined {
  const model = typeof body === 'object' && body !== null ? (body as { model?: unknown }).model : undefined;
  return typeof model === 'string' ? model : undefined;
}
