// The other two things a user's project does with the packages: compile the snippets with
// `tsc --strict` (node16 and bundler resolution), and load every entry point with `require` and `import`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './project.mjs';

const RESOLUTIONS = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

/** `tsc --strict` over snippets/*.ts once per resolution; returns `{ resolution, ok, output, ms }[]`. */
export async function typecheckSnippets(projectDir) {
  const results = [];
  for (const [resolution, options] of Object.entries(RESOLUTIONS)) {
    const config = {
      compilerOptions: {
        target: 'es2022',
        lib: ['es2023'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        ...options,
      },
      include: ['snippets/*.ts'],
    };
    const file = `tsconfig.${resolution}.json`;
    writeFileSync(join(projectDir, file), `${JSON.stringify(config, null, 2)}\n`);
    const started = Date.now();
    const result = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', file], {
      cwd: projectDir,
      quiet: true,
    });
    results.push({
      resolution,
      ok: result.code === 0,
      output: result.stdout + result.stderr,
      ms: Date.now() - started,
    });
  }
  return results;
}

/** Every entry point of a package's `exports` that is code (not `./package.json`, not a JSON file). */
export function entryPoints({ name, pkg }) {
  return Object.keys(pkg.exports ?? { '.': null })
    .filter((key) => key !== './package.json' && !key.endsWith('.json'))
    .map((key) => (key === '.' ? name : `${name}/${key.slice(2)}`));
}

/**
 * Loads each entry with `require` (from a .cjs file) and `import` (from a .mjs file) in the fresh
 * project, each in its own process, so one entry's peer is not already loaded by another's.
 * Returns `{ specifier, mode, ok, output }[]`.
 */
export async function loadEntries(projectDir, packages) {
  const entries = packages.flatMap(entryPoints);
  const cjs = `const [s] = process.argv.slice(2); const m = require(s); if (!Object.keys(m).length) throw new Error(s + ': no exports'); console.log(Object.keys(m).length);\n`;
  const esm = `const [s] = process.argv.slice(2); const m = await import(s); if (!Object.keys(m).length) throw new Error(s + ': no exports'); console.log(Object.keys(m).length);\n`;
  writeFileSync(join(projectDir, 'load.cjs'), cjs);
  writeFileSync(join(projectDir, 'load.mjs'), esm);
  const jobs = entries.flatMap((specifier) =>
    ['require', 'import'].map((mode) => async () => {
      const script = mode === 'require' ? 'load.cjs' : 'load.mjs';
      const result = await run(process.execPath, [script, specifier], {
        cwd: projectDir,
        quiet: true,
        timeoutMs: 60_000,
      });
      return {
        specifier,
        mode,
        ok: result.code === 0,
        exports: Number(result.stdout.trim()),
        output: result.stderr,
      };
    }),
  );
  const results = [];
  // two at a time: the machine has two cores
  for (let i = 0; i < jobs.length; i += 2)
    results.push(...(await Promise.all(jobs.slice(i, i + 2).map((job) => job()))));
  return results;
}
