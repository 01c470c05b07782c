import { defineConfig } from 'tsup';
import { binaryBuild, libraryBuild } from '../../scripts/tsup-preset.js';

export default defineConfig([libraryBuild(['src/index.ts']), binaryBuild(['src/cli.ts'])]);
