import { AsyncLocalStorage } from 'node:async_hooks';
import { processSingleton } from './adapter/brand.js';
import type { InvocationRecorder } from './recorder/invocation-recorder.js';

/**
 * The invocation the current async context belongs to, for adapters whose framework has no run
 * ids. Uses `node:async_hooks`, which Node, Deno, Bun and edge runtimes with Node compatibility
 * (Vercel, Cloudflare with `nodejs_compat`) provide. One store per process, shared by every copy
 * of the core (ESM and CJS).
 */
const storage = processSingleton('currentInvocation', () => new AsyncLocalStorage<InvocationRecorder>());

export function getCurrentInvocation(): InvocationRecorder | undefined {
  return storage.getStore();
}

/** Runs `fn` with `invocation` as the current invocation of everything it awaits. */
export function runWithInvocation<T>(invocation: InvocationRecorder, fn: () => T): T {
  return storage.run(invocation, fn);
}
