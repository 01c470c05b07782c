import { describe, expect, it } from 'vitest';
import { InvocationRecorder } from '../recorder/invocation-recorder.js';
import { sendAsNotedAttempt } from './noted-attempt.js';

const PATH = '/v1/chat/completions';
const statusOf = (response: { status: number }) => response.status;

describe('sendAsNotedAttempt', () => {
  it('notes each send as an attempt of the current model call: a 429 and a reset before the answer are calls of their own', async () => {
    const run = new InvocationRecorder({ providerType: 'CUSTOM_PROVIDER' });
    const call = run.startModelCall({ model: 'm' });
    const throttled = await sendAsNotedAttempt(
      'https://api.test',
      PATH,
      async () => ({ status: 429 }),
      statusOf,
    );
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    await expect(
      sendAsNotedAttempt('https://api.test', PATH, () => Promise.reject(reset), statusOf),
    ).rejects.toBe(reset);
    const answer = await sendAsNotedAttempt(
      'https://api.test',
      PATH,
      async () => ({ status: 200 }),
      statusOf,
    );
    call.end({ usage: { inputTokens: 7, outputTokens: 3 } });
    const record = run.end()!;
    // the results and the error are the caller's, untouched
    expect([throttled.status, answer.status]).toEqual([429, 200]);
    expect(record.modelCalls.map((c) => [c.outcome, c.error?.category])).toEqual([
      ['error', 'throttle'],
      ['error', 'network'],
      ['success', undefined],
    ]);
    expect(record.summary.modelCalls).toBe(3);
    expect(record.summary.usage).toMatchObject({ inputTokens: 7, outputTokens: 3 });
    expect(record.summary.errors).toMatchObject({
      modelInvocationThrottles: 1,
      modelInvocationServerErrors: 1,
    });
  });

  it('outside a model call it only sends', async () => {
    let sent = 0;
    const result = await sendAsNotedAttempt(
      'https://api.test',
      PATH,
      async () => ({ status: 200, n: ++sent }),
      statusOf,
    );
    expect(result).toEqual({ status: 200, n: 1 });
  });
});
