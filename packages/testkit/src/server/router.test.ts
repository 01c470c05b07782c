import { describe, expect, it } from 'vitest';
import { routeOf } from '../model-server/routes.js';
import { Router } from './router.js';
import { CancellableTimers } from './timers.js';

describe('Router', () => {
  it('returns the first matching route, by method and path, else the fallback', () => {
    const router = new Router('none')
      .add('POST', (p) => p.endsWith('/a'), 'first')
      .add('POST', (p) => p.startsWith('/x'), 'second')
      .add('GET', (p) => p.endsWith('/a'), 'get');
    expect(router.find('POST', '/x/a')).toBe('first');
    expect(router.find('POST', '/x/b')).toBe('second');
    expect(router.find('GET', '/x/a')).toBe('get');
    expect(router.find('PUT', '/x/a')).toBe('none');
  });

  it('routes the model APIs on the end of the path, whatever the base URL', () => {
    expect(routeOf('POST', '/proxy/v1/chat/completions/')).toBe('openai-chat');
    expect(routeOf('POST', '/v1/responses')).toBe('openai-responses');
    expect(routeOf('POST', '/messages')).toBe('anthropic-messages');
    expect(routeOf('GET', '/v1/models/gpt-4o')).toBe('models');
    expect(routeOf('GET', '/v1/chat/completions')).toBe('unknown');
  });
});

describe('CancellableTimers', () => {
  it('resolves true after the delay, false when cancelled first', async () => {
    const timers = new CancellableTimers();
    expect(await timers.sleep(0)).toBe(true);
    expect(await timers.sleep(5)).toBe(true);
    const pending = timers.sleep(60_000);
    timers.cancelAll();
    expect(await pending).toBe(false);
  });
});
