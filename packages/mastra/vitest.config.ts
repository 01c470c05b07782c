import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // the 5,000-run bursts (minutes on 2 busy cores: Mastra's own per-run work) run on their own: `pnpm test:burst`
    include: process.env.BURST ? ['src/burst.test.ts'] : ['src/**/*.test.ts'],
    exclude: process.env.BURST ? [] : ['src/burst.test.ts', '**/node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
  },
});
