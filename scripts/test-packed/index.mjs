// `npm run test:packed`: the packages as a user gets them. Packs every publishable package, installs
// the tarballs and the frameworks (newest in the supported ranges) in one fresh npm project outside
// the workspace, then: loads every entry point with require and import, runs every README's first
// ```ts snippet verbatim against @metrics/testkit's servers and checks its record, and type-checks
// the snippets with tsc --strict under node16 and bundler resolution. Exits 1 on any failure.
// Flags: --keep (leave the project in place and print where), --no-build.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadEntries, typecheckSnippets } from './checks.mjs';
import { discoverPackages, frameworkSpecs } from './packages.mjs';
import { installProject, packAll, run } from './project.mjs';
import { runSnippets } from './snippets.mjs';

const root = resolve(import.meta.dirname, '../..');
const args = new Set(process.argv.slice(2));
const failures = [];
const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;

/** Each snippet's imports must be in its README's `npm install` line: what a user is told to install. */
function checkInstallLines(packages) {
  for (const p of packages.filter((p) => p.snippet)) {
    if (!p.install) {
      console.log(`  note: ${p.name}: README has no \`npm install\` line`);
      continue;
    }
    const missing = p.imports.filter((name) => !p.install.includes(name));
    if (missing.length > 0)
      failures.push(
        `${p.name}: README's first snippet imports ${missing.join(', ')}, not in its npm install line`,
      );
  }
}

/** Every peer of a package that is installed must be in the package's declared range. */
function peerProblems(packages, projectDir, installed) {
  const semver = createRequire(join(projectDir, 'package.json'))('semver');
  const problems = [];
  for (const { name, pkg } of packages) {
    for (const [peer, range] of Object.entries(pkg.peerDependencies ?? {})) {
      const version = installed(peer);
      if (version && !semver.satisfies(version, range))
        problems.push(`${name}: peer ${peer}@${version} is outside ${range}`);
    }
  }
  return problems;
}

const started = Date.now();
const packages = discoverPackages(root);
console.log(`test:packed: ${packages.length} packages: ${packages.map((p) => p.name).join(', ')}`);
checkInstallLines(packages);

if (!args.has('--no-build')) {
  await run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], {
    cwd: root,
  });
}
const work = mkdtempSync(join(tmpdir(), 'metrics-packed-'));
const projectDir = join(work, 'app');
try {
  const tarballs = await packAll(packages, join(work, 'tarballs'));
  const frameworks = frameworkSpecs(packages);
  const cacheDir = join(root, 'node_modules', '.cache', 'test-packed-npm');
  const install = await installProject({ projectDir, tarballs, frameworks, root, cacheDir });
  console.log(`installed ${install.count} packages in ${seconds(install.ms)} (npm, ${process.version}):`);
  console.log(
    `  ${frameworks.map(({ name, spec }) => `${name}@${install.installed(name) ?? `? (${spec})`}`).join(', ')}`,
  );

  for (const warning of install.warnings) console.log(`  npm: ${warning}`);
  failures.push(...peerProblems(packages, projectDir, install.installed));

  const loads = await loadEntries(projectDir, packages);
  for (const l of loads.filter((l) => !l.ok))
    failures.push(`${l.mode}('${l.specifier}') failed:\n${l.output.trim()}`);
  console.log(
    `load: ${loads.filter((l) => l.ok).length}/${loads.length} entry points load with require and import`,
  );

  const testkit = createRequire(join(projectDir, 'package.json')).resolve('@metrics/testkit');
  const snippets = await runSnippets({ projectDir, packages, testkitUrl: pathToFileURL(testkit).href });
  for (const s of snippets) {
    const what =
      s.expected.calls > 0
        ? `${s.expected.calls} model call(s), ${s.expected.input}→${s.expected.output} tokens, ${s.expected.toolCalls} tool call(s)`
        : 'no model call';
    console.log(
      `snippet ${s.name}: ${s.problems.length === 0 ? 'ok' : 'FAILED'} (${seconds(s.ms)}; ${what})`,
    );
    if (s.problems.length > 0) {
      const output = `${s.result.stdout}\n${s.result.stderr}`.trim().split('\n').slice(-25).join('\n');
      failures.push(`${s.name} README snippet: ${s.problems.join('; ')}\n${output}`);
    }
  }
  for (const t of await typecheckSnippets(projectDir)) {
    console.log(`tsc --strict (${t.resolution}): ${t.ok ? 'ok' : 'FAILED'} (${seconds(t.ms)})`);
    if (!t.ok) failures.push(`tsc --strict, moduleResolution ${t.resolution}:\n${t.output.trim()}`);
  }
} catch (error) {
  failures.push(String(error?.stack ?? error));
} finally {
  if (args.has('--keep')) console.log(`kept: ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

console.log(
  `test:packed: ${failures.length === 0 ? 'ok' : `${failures.length} failure(s)`} in ${seconds(Date.now() - started)}`,
);
for (const failure of failures) console.error(`\n✗ ${failure}`);
process.exit(failures.length === 0 ? 0 : 1);
