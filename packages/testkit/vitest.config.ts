import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    // Loopback only: keep the frameworks' own telemetry and tracing exporters off.
    env: {
      MASTRA_TELEMETRY_DISABLED: '1',
      OPENAI_AGENTS_DISABLE_TRACING: '1',
      LANGCHAIN_TRACING_V2: 'false',
    },
  },
});
