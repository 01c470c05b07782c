import { defineConfig } from 'tsup';
import { libraryBuild } from '../../scripts/tsup-preset.js';

export default defineConfig(libraryBuild(['src/index.ts']));
