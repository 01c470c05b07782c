import { describe, expect, it } from 'vitest';
import { setup } from './test-helpers.js';

const usage = { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 };
const chunks = [
  { delta: 'The answer ', raw: {} },
  { delta: 'is 3.', raw: { usage, model: 'fake-1' } },
];

/** An LLM that sends no events: the wrapper alone records its streamed calls. */
function llmAnswering(stream: () => AsyncIterable<unknown>) {
  return { metadata: { model: 'fake' }, chat: async (_params: unknown) => stream() };
}

/** A hand-written iterable whose iterator has `next` only (no `return`, no `throw`). */
function plainIterable(): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next: async () =>
          i < chunks.length ? { done: false, value: chunks[i++] } : { done: true, value: undefined },
      };
    },
  };
}

async function* generator() {
  for (const chunk of chunks) yield chunk;
}

describe('streamed answers, observed without events', () => {
  for (const [kind, stream, hasThrow] of [
    ['an async generator', generator, true],
    ['a hand-written iterator with next only', plainIterable, false],
  ] as const) {
    it(`${kind}: every chunk reaches the caller, 1 streamed call with 20 + 5 tokens, throw only where the stream has one`, async () => {
      const { exporter, metrics } = setup();
      const llm = metrics.instrument(llmAnswering(stream));
      let observedHasThrow: boolean | undefined;
      const read = await metrics.run(async () => {
        const response = (await llm.chat({ messages: [], stream: true })) as AsyncIterable<{ delta: string }>;
        const iterator = response[Symbol.asyncIterator]();
        observedHasThrow = 'throw' in iterator;
        const deltas: string[] = [];
        for (let step = await iterator.next(); !step.done; step = await iterator.next())
          deltas.push(step.value.delta);
        return deltas;
      });
      expect(read).toEqual(['The answer ', 'is 3.']);
      expect(observedHasThrow).toBe(hasThrow);
      await metrics.flush();
      const [record] = exporter.records;
      expect(record?.modelCalls).toHaveLength(1);
      const call = record?.modelCalls[0];
      expect(call?.streamed).toBe(true);
      expect(call?.outcome).toBe('success');
      expect(call?.model).toBe('fake-1');
      expect(call?.usage).toEqual({ inputTokens: 20, outputTokens: 5, totalTokens: 25 });
      expect(call?.firstTokenAt).toBeGreaterThan(0);
    });
  }
});
