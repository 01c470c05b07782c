import { APICallError, RetryError } from 'ai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { classifyError, maskSecrets } from './classify-error.js';

const headers = new Headers({ 'retry-after': '1' });

describe('classifyError on the real openai client errors', () => {
  it.each([
    [429, 'throttle', 'RateLimitError'],
    [400, 'client', 'BadRequestError'],
    [401, 'client', 'AuthenticationError'],
    [404, 'client', 'NotFoundError'],
    [500, 'server', 'InternalServerError'],
    [503, 'server', 'InternalServerError'],
  ] as const)('HTTP %i → %s', (status, category, name) => {
    const error = OpenAI.APIError.generate(
      status,
      { error: { message: 'nope', type: 'x', code: 'rate_limit_exceeded' } },
      'nope',
      headers,
    );
    expect(error.constructor.name).toBe(name);
    expect(classifyError(error)).toMatchObject({ category, status, name });
  });

  it('connection errors have no status: network, and timeouts are timeouts', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const connection = new OpenAI.APIConnectionError({
      message: 'Connection error.',
      cause: new TypeError('fetch failed', { cause: reset }),
    });
    expect(classifyError(connection)).toMatchObject({
      category: 'network',
      name: 'APIConnectionError',
      code: 'ECONNRESET',
    });
    expect(classifyError(new OpenAI.APIConnectionTimeoutError())).toMatchObject({
      category: 'timeout',
      name: 'APIConnectionTimeoutError',
    });
    expect(classifyError(new OpenAI.APIUserAbortError())).toMatchObject({
      category: 'abort',
      name: 'APIUserAbortError',
    });
  });
});

describe('classifyError on the real AI SDK errors', () => {
  const callError = (statusCode: number) =>
    new APICallError({
      message: `status ${statusCode}`,
      url: 'http://127.0.0.1/v1/chat/completions',
      requestBodyValues: {},
      statusCode,
      isRetryable: statusCode >= 429,
    });

  it('reads statusCode from APICallError', () => {
    expect(classifyError(callError(429))).toMatchObject({
      category: 'throttle',
      status: 429,
      name: 'AI_APICallError',
    });
    expect(classifyError(callError(503))).toMatchObject({ category: 'server', status: 503 });
  });

  it('unwraps RetryError to its last error', () => {
    const retry = new RetryError({
      message: 'Failed after 3 attempts',
      reason: 'maxRetriesExceeded',
      errors: [callError(500), callError(500), callError(429)],
    });
    expect(retry.lastError).toBeInstanceOf(APICallError);
    expect(classifyError(retry)).toMatchObject({ category: 'throttle', status: 429, name: 'AI_RetryError' });
  });
});

describe('classifyError on everything else', () => {
  it('reads the status of an AWS SDK service exception from $metadata.httpStatusCode', () => {
    const throttled = Object.assign(new Error('Too many requests'), {
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 429, attempts: 3 },
    });
    expect(classifyError(throttled)).toMatchObject({ category: 'throttle', status: 429 });
    const failed = Object.assign(new Error('oops'), { $metadata: { httpStatusCode: 500 } });
    expect(classifyError(failed)).toMatchObject({ category: 'server', status: 500 });
  });

  it('digs through cause chains and response objects', () => {
    const wrapped = new Error('chain failed', {
      cause: new Error('model failed', { cause: { response: { status: 502 } } }),
    });
    expect(classifyError(wrapped)).toMatchObject({ category: 'server', status: 502, name: 'Error' });
    expect(classifyError({ statusCode: '404', message: 'x' })).toMatchObject({
      category: 'client',
      status: 404,
    });
  });

  it('knows undici and socket codes, aborts and timeouts', () => {
    expect(
      classifyError(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
        }),
      ),
    ).toMatchObject({
      category: 'network',
      code: 'UND_ERR_SOCKET',
    });
    expect(classifyError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })).category).toBe('timeout');
    expect(classifyError(Object.assign(new Error('x'), { code: 'ENOTFOUND' })).category).toBe('network');
    expect(classifyError(new DOMException('This operation was aborted', 'AbortError'))).toMatchObject({
      category: 'abort',
      name: 'AbortError',
    });
    expect(classifyError(new DOMException('The operation timed out.', 'TimeoutError')).category).toBe(
      'timeout',
    );
  });

  it('falls back to unknown for plain errors and odd values, and never throws', () => {
    expect(classifyError(new RangeError('bad'))).toMatchObject({
      category: 'unknown',
      name: 'RangeError',
      message: 'bad',
    });
    expect(classifyError('just a string')).toMatchObject({
      category: 'unknown',
      name: 'Error',
      message: 'just a string',
    });
    expect(classifyError(undefined)).toMatchObject({ category: 'unknown', message: '' });
    const cyclic: Record<string, unknown> = { message: 'loop' };
    cyclic.cause = cyclic;
    expect(classifyError(cyclic).category).toBe('unknown');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(classifyError(hostile).category).toBe('unknown');
  });

  it('masks credentials in messages and truncates them', () => {
    const info = classifyError(
      new Error('401 for Bearer abcdefghijklmnop with key sk-proj-1234567890abcdef and token=s3cr3tvalue'),
    );
    expect(info.message).not.toMatch(/abcdefghijklmnop|1234567890abcdef|s3cr3tvalue/);
    expect(classifyError(new Error('x'.repeat(5000))).message.length).toBe(200);
    expect(maskSecrets('Authorization: Basic dXNlcjpwYXNzd29yZA==')).not.toContain('dXNlcjpwYXNzd29yZA');
  });
});
