import { defineConfig } from 'tsup';
import { libraryBuild } from '../../scripts/tsup-preset.js';
import { buildClient } from './scripts/build-client.js';

// The page is bundled after the library build (which cleans dist/) into dist/public.
export default defineConfig([
  libraryBuild(['src/index.ts'], { shims: true, onSuccess: () => buildClient('dist/public') }),
]);
