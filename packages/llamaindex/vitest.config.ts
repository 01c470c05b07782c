import { defineConfig } from 'vitest/config';

/**
 * LlamaIndex itself turns a model error or an unknown tool name inside `agent()` into an unhandled
 * rejection and never settles the run (errors.test.ts proves the adapter still exports the record).
 * Those scripted failures carry this tag; any other unhandled error still fails the suite.
 */
const EXPECTED = 'llamaindex-unhandled';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    onUnhandledError(error) {
      if (String((error as { message?: unknown })?.message ?? '').includes(EXPECTED)) return false;
    },
  },
});
