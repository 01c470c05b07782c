import { defineConfig } from 'tsup';
import { libraryBuild } from '../../scripts/tsup-preset.js';

export default defineConfig(
  libraryBuild(['src/index.ts', 'src/openai.ts', 'src/anthropic.ts', 'src/google.ts', 'src/bedrock.ts'], {
    external: [
      'openai',
      '@anthropic-ai/sdk',
      '@google/genai',
      '@aws-sdk/client-bedrock-runtime',
      '@metrics/core',
    ],
  }),
);
