import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { now } from '@metrics/core';
import { type Loose, get, isFirstToken, isFirstTokenEvent } from './langchain-shapes.js';

/** Receives the time of the first streamed token of one model call. */
export interface FirstTokenTarget {
  firstTokenAt?: number;
  streamed?: boolean;
}

/** A one-call callback handler that only stamps the first streamed token (awaited, so the stamp is exact). */
class FirstTokenTimer extends BaseCallbackHandler {
  override name = 'AgentMetricsFirstTokenTimer';

  constructor(private readonly target: FirstTokenTarget) {
    super({
      _awaitHandler: true,
      ignoreChain: true,
      ignoreAgent: true,
      ignoreRetriever: true,
      ignoreCustomEvent: true,
    });
    this.awaitHandlers = true;
  }

  override handleLLMNewToken(
    token: string,
    _idx: unknown,
    _runId: string,
    _p?: string,
    _t?: string[],
    fields?: unknown,
  ): void {
    this.target.streamed = true;
    if (this.target.firstTokenAt === undefined && isFirstToken(token, fields))
      this.target.firstTokenAt = now();
  }

  override handleChatModelStreamEvent(event: unknown): void {
    this.target.streamed = true;
    if (this.target.firstTokenAt === undefined && isFirstTokenEvent(event)) this.target.firstTokenAt = now();
  }
}

interface ManagerLike {
  handlers: unknown[];
  addHandler(handler: unknown, inherit?: boolean): void;
  removeHandler(handler: unknown): void;
}

function prefersStreaming(handler: unknown): boolean {
  return (
    get(handler, 'lc_prefer_streaming') === true ||
    get(handler, 'lc_prefer_chat_model_stream_events') === true
  );
}

/**
 * When the model call about to run streams (a streaming handler — `stream`'s `messages` mode,
 * `streamEvents` — is on the node's callback manager), adds a first-token timer to that
 * manager for this call only and returns the function that removes it. Otherwise does nothing:
 * an unstreamed call has no first token, and the callback system stays off.
 */
export function attachFirstTokenTimer(
  target: FirstTokenTarget,
  config: unknown = AsyncLocalStorageProviderSingleton.getRunnableConfig(),
): (() => void) | undefined {
  let manager: ManagerLike | undefined;
  try {
    manager = (config as Loose)?.callbacks;
  } catch {
    manager = undefined;
  }
  if (!manager || !Array.isArray(manager.handlers) || typeof manager.addHandler !== 'function')
    return undefined;
  if (!manager.handlers.some(prefersStreaming)) return undefined;
  const timer = new FirstTokenTimer(target);
  manager.addHandler(timer, false);
  return () => manager.removeHandler(timer);
}
