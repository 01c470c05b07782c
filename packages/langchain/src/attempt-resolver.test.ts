import { AttemptLog, currentAttemptLog, processSingleton } from '@metrics/core/adapter';
import { describe, expect, it } from 'vitest';
import { type AttemptSource, unwatchAttempts, watchAttempts } from './attempt-resolver.js';

// the core's registry of resolvers, shared by every copy of the core in the process
const resolvers = processSingleton('attemptResolvers', () => new Set<unknown>());

function source(log: AttemptLog | undefined): AttemptSource {
  return { attemptsUnder: () => log };
}

describe('the attempt resolver', () => {
  it('names the open model call of a handler, and none once every call has ended', () => {
    const before = resolvers.size;
    const log = new AttemptLog();
    const first = source(undefined);
    const second = source(log);
    watchAttempts(first);
    watchAttempts(second);
    expect(currentAttemptLog()).toBe(log);
    unwatchAttempts(first);
    expect(currentAttemptLog()).toBe(log);
    unwatchAttempts(second);
    expect(resolvers.size).toBe(before + 1); // stays through sequential calls
    expect(currentAttemptLog()).toBeUndefined();
    expect(resolvers.size).toBe(before); // a request with no call open removed it
    expect(currentAttemptLog()).toBeUndefined();
  });

  it('sequential model calls keep one resolver registered, never two', () => {
    const before = resolvers.size;
    const log = new AttemptLog();
    const handler = source(log);
    for (let i = 0; i < 3; i++) {
      watchAttempts(handler);
      expect(currentAttemptLog()).toBe(log);
      unwatchAttempts(handler);
      expect(resolvers.size).toBe(before + 1);
    }
    expect(currentAttemptLog()).toBeUndefined();
    expect(resolvers.size).toBe(before);
  });

  it('a source removed that was never added changes nothing', () => {
    const log = new AttemptLog();
    const handler = source(log);
    watchAttempts(handler);
    unwatchAttempts(source(undefined));
    expect(currentAttemptLog()).toBe(log);
    unwatchAttempts(handler);
    expect(currentAttemptLog()).toBeUndefined();
  });
});
