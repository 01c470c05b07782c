import { defineConfig } from 'vitest/config';

/**
 * LlamaIndex itself turns a model error or an unknown tool name inside `agent()` into an unhandled
 * rejection and never settles the run (errors.test.ts proves the adapter still exports the record).
 * Those scripted failures carry this tag; any other unhandled error still fails the suite.
 */
const EXPECTED = 'llamaindex-unhandled';

export default defineConfig({
  test: {
    // the 5,000-run burst (about a minute on 2 cores) runs on its own: `pnpm test:burst`
    include: process.env.BURST ? ['src/burst.test.ts'] : ['src/**/*.test.ts'],
    exclude: process.env.BURST ? [] : ['src/burst.test.ts', '**/node_modules/**'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    onUnhandledError(error) {
      if (String((error as { message?: unknown })?.message ?? '').includes(EXPECTED)) return false;
    },
  },
});
