import { defineConfig } from 'tsup';
import { libraryBuild } from '../../scripts/tsup-preset.js';

// neutral platform: the default entry must run on edge-like runtimes too
export default defineConfig(
  libraryBuild(['src/index.ts'], {
    platform: 'neutral',
    target: 'es2022',
    external: ['ai', '@metrics/core'],
  }),
);
