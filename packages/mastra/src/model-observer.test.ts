import { MockLanguageModelV4 } from 'ai/test';
import { toEpochMs } from '@metrics/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ModelAttempt,
  isObservableModel,
  observeModel,
  observeModelConfig,
  registerSinkResolver,
} from './model-observer.js';
import { spanError, stepWasStreamed } from './span-reading.js';

const usage = {
  inputTokens: { total: 30, noCache: 20, cacheRead: 10, cacheWrite: 0 },
  outputTokens: { total: 8, text: 6, reasoning: 2 },
};

type Part = Record<string, unknown>;

function streamOf(parts: Part[], failAfter?: Error): ReadableStream<Part> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      if (failAfter) controller.error(failAfter);
      else controller.close();
    },
  });
}

const parts: Part[] = [
  { type: 'stream-start', warnings: [] },
  { type: 'response-metadata', modelId: 'gpt-4o-2024' },
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'hi' },
  { type: 'text-end', id: 't' },
  { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
];

let unregister: (() => void) | undefined;
afterEach(() => {
  unregister?.();
  unregister = undefined;
});

function capture(): ModelAttempt[] {
  const attempts: ModelAttempt[] = [];
  unregister = registerSinkResolver(() => (attempt) => attempts.push(attempt));
  return attempts;
}

async function drain(stream: ReadableStream<Part>): Promise<Part[]> {
  const out: Part[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

describe('observeModel', () => {
  it('reports a generate call with its usage and response model, and returns the result untouched', async () => {
    const attempts = capture();
    const result = {
      content: [{ type: 'text', text: 'hi' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage,
      warnings: [],
      response: { modelId: 'gpt-4o-2024' },
    };
    const model = observeModel(
      new MockLanguageModelV4({ modelId: 'gpt-4o', doGenerate: async () => result as never }),
    );
    expect(await model.doGenerate({ prompt: [] } as never)).toBe(result);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      streamed: false,
      model: 'gpt-4o-2024',
      usage: { inputTokens: 30, outputTokens: 8, cacheReadTokens: 10, reasoningTokens: 2 },
    });
    expect(attempts[0]?.firstTokenAt).toBeUndefined();
  });

  it('reports a failed request and rethrows the very same error', async () => {
    const attempts = capture();
    const failure = Object.assign(new Error('rate limited'), { statusCode: 429 });
    const model = observeModel(
      new MockLanguageModelV4({
        doGenerate: async () => {
          throw failure;
        },
      }),
    );
    await expect(model.doGenerate({ prompt: [] } as never)).rejects.toBe(failure);
    expect(attempts).toEqual([expect.objectContaining({ error: failure, streamed: false })]);
  });

  it('streams every part through and reports first token, usage and model once the stream ends', async () => {
    const attempts = capture();
    const model = observeModel(
      new MockLanguageModelV4({ doStream: async () => ({ stream: streamOf(parts) }) as never }),
    );
    const { stream } = (await model.doStream({ prompt: [] } as never)) as unknown as {
      stream: ReadableStream<Part>;
    };
    expect(attempts).toHaveLength(0);
    expect(await drain(stream)).toEqual(parts);
    expect(attempts).toHaveLength(1);
    const [attempt] = attempts;
    expect(attempt).toMatchObject({
      streamed: true,
      model: 'gpt-4o-2024',
      usage: { inputTokens: 30, outputTokens: 8 },
    });
    expect(attempt?.firstTokenAt).toBeGreaterThanOrEqual(attempt?.startedAt ?? 0);
    expect(attempt?.endedAt).toBeGreaterThanOrEqual(attempt?.firstTokenAt ?? 0);
  });

  it('a stream that errors or is cancelled still ends the attempt exactly once', async () => {
    const attempts = capture();
    const broken = new Error('socket hang up');
    const model = observeModel(
      new MockLanguageModelV4({
        doStream: async () => ({ stream: streamOf(parts.slice(0, 3), broken) }) as never,
      }),
    );
    const { stream } = (await model.doStream({ prompt: [] } as never)) as unknown as {
      stream: ReadableStream<Part>;
    };
    await expect(drain(stream)).rejects.toBe(broken);
    expect(attempts).toEqual([expect.objectContaining({ error: broken })]);

    const cancelled = observeModel(
      new MockLanguageModelV4({ doStream: async () => ({ stream: streamOf(parts) }) as never }),
    );
    const second = (await cancelled.doStream({ prompt: [] } as never)) as unknown as {
      stream: ReadableStream<Part>;
    };
    const reader = second.stream.getReader();
    await reader.read();
    await reader.cancel('enough');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.error).toBeUndefined();
  });

  it('with no run to report to, or a sink that throws, the model behaves exactly as before', async () => {
    const model = observeModel(
      new MockLanguageModelV4({ doStream: async () => ({ stream: streamOf(parts) }) as never }),
    );
    const plain = (await model.doStream({ prompt: [] } as never)) as unknown as {
      stream: ReadableStream<Part>;
    };
    expect(await drain(plain.stream)).toEqual(parts);
    unregister = registerSinkResolver(() => () => {
      throw new Error('sink exploded');
    });
    const observed = (await model.doStream({ prompt: [] } as never)) as unknown as {
      stream: ReadableStream<Part>;
    };
    expect(await drain(observed.stream)).toEqual(parts);
  });

  it('keeps every other property of the model and is applied once', () => {
    const base = new MockLanguageModelV4({ provider: 'openai.chat', modelId: 'gpt-4o' });
    const model = observeModel(base);
    expect(model.provider).toBe('openai.chat');
    expect(model.modelId).toBe('gpt-4o');
    expect(model.specificationVersion).toBe('v4');
    expect(observeModel(model)).toBe(model);
    expect(isObservableModel(model)).toBe(true);
  });

  it('runs the original methods on the original model: its private fields work, its state stays its own', async () => {
    const attempts = capture();
    const result = { content: [], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] };
    class PrivateStateModel {
      readonly specificationVersion = 'v4';
      readonly provider = 'private.chat';
      readonly modelId = 'private-1';
      readonly supportedUrls = {};
      #calls = 0;
      calls = 0;
      async doGenerate() {
        this.#calls++;
        this.calls = this.#calls;
        return result;
      }
      async doStream(): Promise<never> {
        throw new Error('not used');
      }
    }
    const base = new PrivateStateModel();
    const model = observeModel(base);
    expect(await model.doGenerate()).toBe(result);
    expect(base.calls).toBe(1);
    expect(model.calls).toBe(1);
    expect(model).toBeInstanceOf(PrivateStateModel);
    expect(attempts).toEqual([expect.objectContaining({ model: 'private-1', provider: 'private.chat' })]);
  });

  it('wraps every form a Mastra model setting can take, and leaves router ids alone', async () => {
    const base = new MockLanguageModelV4();
    expect(observeModelConfig('openai/gpt-4o')).toBe('openai/gpt-4o');
    const [entry] = observeModelConfig([{ model: base, maxRetries: 2 }]) as Array<{
      model: unknown;
      maxRetries: number;
    }>;
    expect(entry?.maxRetries).toBe(2);
    expect(entry?.model).not.toBe(base);
    expect(isObservableModel(entry?.model)).toBe(true);
    const dynamic = observeModelConfig(async () => base) as () => Promise<unknown>;
    const resolved = await dynamic();
    expect(resolved).not.toBe(base);
    expect(isObservableModel(resolved)).toBe(true);
    expect(observeModelConfig(dynamic)).toBe(dynamic);
  });
});

describe('span reading', () => {
  it('tells a streamed step from a plain one by the response Mastra kept', () => {
    expect(stepWasStreamed({ body: { id: 'x' }, headers: { 'content-type': 'application/json' } })).toBe(
      false,
    );
    expect(stepWasStreamed({ headers: { 'content-type': 'text/event-stream' } })).toBe(true);
    expect(stepWasStreamed({ headers: {} })).toBeUndefined();
    expect(stepWasStreamed(undefined)).toBeUndefined();
  });

  it("reads a span's error: its HTTP status classified by the core, no Error made up", () => {
    const span = { id: 's', traceId: 't', type: 'tool_call', startTime: 0 };
    expect(spanError(span)).toBeUndefined();
    expect(
      spanError({ ...span, errorInfo: { name: 'APICallError', message: 'busy', details: { status: 503 } } }),
    ).toEqual({ category: 'server', status: 503, name: 'APICallError', message: 'busy' });
    expect(spanError({ ...span, errorInfo: { message: 'slow down', details: { statusCode: 429 } } })).toEqual(
      {
        category: 'throttle',
        status: 429,
        name: 'Error',
        message: 'slow down',
      },
    );
    expect(spanError({ ...span, errorInfo: {} })).toEqual({ name: 'Error', message: 'failed' });
  });

  it('reads span times as Dates, ISO strings or numbers', () => {
    expect(toEpochMs(new Date(1_763_892_000_123))).toBe(1_763_892_000_123);
    expect(toEpochMs('2025-11-23T10:00:00.123Z')).toBe(Date.parse('2025-11-23T10:00:00.123Z'));
    expect(toEpochMs(5)).toBe(5);
    expect(toEpochMs('not a date')).toBeUndefined();
    expect(toEpochMs(undefined)).toBeUndefined();
  });
});
