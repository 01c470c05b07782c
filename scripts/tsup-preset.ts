// The one build preset of every published package: ESM + CJS with type declarations and source maps.
import type { Options } from 'tsup';

/** A library build of `entry` (ESM + CJS + .d.ts/.d.cts). */
export function libraryBuild(entry: string[], overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    platform: 'node',
    target: 'node22',
    clean: true,
    ...overrides,
  };
}

/** An executable entry (ESM only, with a shebang). */
export function binaryBuild(entry: string[]): Options {
  return {
    entry,
    format: ['esm'],
    sourcemap: true,
    platform: 'node',
    target: 'node22',
    banner: { js: '#!/usr/bin/env node' },
  };
}
