import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE, ScriptQueues, scriptKeyOf } from './script-queues.js';

describe('ScriptQueues', () => {
  it('takes from the keyed queue when one was scripted, else from the default queue, then the fallback', () => {
    const queues = ScriptQueues.from({ script: [{ text: 'default' }], fallback: { text: 'fallback' } });
    queues.script('conv-1', [{ text: 'keyed' }]);
    expect(queues.pending()).toEqual({ [DEFAULT_QUEUE]: 1, 'conv-1': 1 });
    expect(queues.take('conv-1')).toEqual({ step: { text: 'keyed' }, queue: 'conv-1' });
    expect(queues.take('unscripted')).toEqual({ step: { text: 'default' }, queue: DEFAULT_QUEUE });
    expect(queues.take('conv-1')).toEqual({ step: { text: 'fallback' }, queue: 'conv-1' });
    expect(queues.pending()).toEqual({});
  });

  it('rejects a malformed step when it is scripted, naming where', () => {
    const queues = ScriptQueues.from({});
    expect(() => queues.script('k', [{ text: 'ok' }, { error: { status: 200 } }])).toThrow(
      'script("k")[1].error.status must be an HTTP error status (400-599), got 200',
    );
    expect(() => queues.script([{ text: 'x', chunkDelayMs: -1 }])).toThrow('script[0].chunkDelayMs');
    expect(() => queues.script('', [])).toThrow('a script key must not be empty');
    expect(queues.take(undefined)).toEqual({ queue: DEFAULT_QUEUE });
  });

  it('finds the first script key in a body', () => {
    expect(scriptKeyOf('{"messages":[{"content":"script:conv-7. then script:other"}]}')).toBe('conv-7');
    expect(scriptKeyOf('{}')).toBeUndefined();
  });
});
