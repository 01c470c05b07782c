import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // the 5,000-call bursts (about a minute on 2 busy cores) run on their own: `pnpm test:burst`
    include: process.env.BURST ? ['src/burst.test.ts'] : ['src/**/*.test.ts'],
    exclude: process.env.BURST ? [] : ['src/burst.test.ts', '**/node_modules/**'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
  },
});
