// The other two things a user's project does with the packages: compile the snippets with
// `tsc --strict` (node16 and bundler resolution), and load every entry point with `require` and `import`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './project.mjs';

const RESOLUTIONS = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

/** `tsc --strict` over snippets/*.ts under one resolution. */
async function typecheck(projectDir, resolution, options) {
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
  return {
    resolution,
    ok: result.code === 0,
    output: result.stdout + result.stderr,
    ms: Date.now() - started,
  };
}

/** Both resolutions at once (the machine has two cores); returns `{ resolution, ok, output, ms }[]`. */
export function typecheckSnippets(projectDir) {
  return Promise.all(
    Object.entries(RESOLUTIONS).map(([resolution, options]) => typecheck(projectDir, resolution, options)),
  );
}

/** Every entry point of a package's `exports` that is code (not `./package.json`, not a JSON file). */
export function entryPoints({ name, pkg }) {
  return Object.keys(pkg.exports ?? { '.': null })
    .filter((key) => key !== './package.json' && !key.endsWith('.json'))
    .map((key) => (key === '.' ? name : `${name}/${key.slice(2)}`));
}

/**
 * Loads every entry of each package with `require` (from a .cjs file) and `import` (from a .mjs
 * file) in the fresh project, one process per package and way, so one package's peers are not
 * already loaded by another's. Returns `{ name, entries, mode, ok, output }[]`.
 */
export async function loadEntries(projectDir, packages) {
  const body = (load) =>
    `for (const s of process.argv.slice(2)) { const m = ${load}; if (Object.keys(m).length === 0) throw new Error(s + ': no exports'); }\n`;
  writeFileSync(join(projectDir, 'load.cjs'), body('require(s)'));
  writeFileSync(join(projectDir, 'load.mjs'), body('await import(s)'));
  const jobs = packages.flatMap((p) =>
    ['require', 'import'].map((mode) => async () => {
      const entries = entryPoints(p);
      const script = mode === 'require' ? 'load.cjs' : 'load.mjs';
      const result = await run(process.execPath, [script, ...entries], {
        cwd: projectDir,
        quiet: true,
        timeoutMs: 60_000,
      });
      return { name: p.name, entries: entries.length, mode, ok: result.code === 0, output: result.stderr };
    }),
  );
  const results = [];
  // two at a time: the machine has two cores
  for (let i = 0; i < jobs.length; i += 2)
    results.push(...(await Promise.all(jobs.slice(i, i + 2).map((job) => job()))));
  return results;
}
