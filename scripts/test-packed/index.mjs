// `npm run test:packed`: the packages as a user gets them. Packs every publishable package, installs
// the tarballs and the frameworks (newest in the supported ranges) in one fresh npm project outside
// the workspace, then: loads every entry point with require and import, runs every README's first
// ```ts snippet verbatim against @metrics/testkit's servers and checks its record, and type-checks
// the snippets with tsc --strict under node16 and bundler resolution. Then the same snippets in a
// second project with the lowest framework versions the workspace tests do not cover (FLOORS).
// Exits 1 on any failure. Flags: --keep (leave the projects in place), --no-build, --floors-only.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadEntries, typecheckSnippets } from './checks.mjs';
import { untestedFloors } from './floors.mjs';
import { FLOORS, discoverPackages, frameworkSpecs } from './packages.mjs';
import { installProject, packAll, run } from './project.mjs';
import { runSnippets } from './snippets.mjs';

const root = resolve(import.meta.dirname, '../..');
const args = new Set(process.argv.slice(2));
const failures = [];
const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;
const cacheDir = join(root, 'node_modules', '.cache', 'test-packed-npm');

/** Each snippet's imports must be in its README's `npm install` line: what a user is told to install. */
function checkInstallLines(packages) {
  for (const p of packages.filter((p) => p.snippet)) {
    if (!p.install) {
      console.log(`  note: ${p.name}: README has no \`npm install\` line`);
      continue;
    }
    const missing = p.imports.filter((name) => !p.install.includes(name));
    if (missing.length > 0) {
      failures.push(
        `${p.name}: README's first snippet imports ${missing.join(', ')}, not in its npm install line`,
      );
    }
  }
}

/** Every peer of a package that is installed must be in the package's declared range. */
function peerProblems(packages, semver, installed) {
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

/** Installs one project, checks peers, runs the snippets of `runFor`; returns the project's require. */
async function userProject({ label, projectDir, tarballs, frameworks, runFor, packages }) {
  const install = await installProject({ projectDir, tarballs, frameworks, root, cacheDir });
  console.log(
    `${label}: installed ${install.count} packages in ${seconds(install.ms)} (npm, Node ${process.version}):`,
  );
  console.log(
    `  ${frameworks.map(({ name, spec }) => `${name}@${install.installed(name) ?? `? (${spec})`}`).join(', ')}`,
  );
  for (const warning of install.warnings) console.log(`  ${warning}`);
  const projectRequire = createRequire(join(projectDir, 'package.json'));
  const present = packages.filter((p) => tarballs.has(p.name));
  failures.push(...peerProblems(present, projectRequire('semver'), install.installed));
  const testkit = pathToFileURL(projectRequire.resolve('@metrics/testkit')).href;
  for (const s of await runSnippets({ projectDir, packages: runFor, testkitUrl: testkit })) {
    const { calls, input, output, toolCalls } = s.expected;
    const what =
      calls > 0
        ? `${calls} model call(s), ${input}→${output} tokens, ${toolCalls} tool call(s)`
        : 'no model call';
    console.log(
      `  snippet ${s.name}: ${s.problems.length === 0 ? 'ok' : 'FAILED'} (${seconds(s.ms)}; ${what})`,
    );
    if (s.problems.length > 0) {
      const out = `${s.result.stdout}\n${s.result.stderr}`.trim().split('\n').slice(-25).join('\n');
      failures.push(`${label}: ${s.name} README snippet: ${s.problems.join('; ')}\n${out}`);
    }
  }
  return projectRequire;
}

async function latest(work, packages, tarballs) {
  const projectDir = join(work, 'latest');
  const frameworks = frameworkSpecs(packages);
  const projectRequire = await userProject({
    label: 'latest',
    projectDir,
    tarballs,
    frameworks,
    runFor: packages,
    packages,
  });
  failures.push(...untestedFloors(packages, projectRequire('semver')));
  const loads = await loadEntries(projectDir, packages);
  for (const l of loads.filter((l) => !l.ok))
    failures.push(`${l.name}: ${l.mode} of its entry points failed:\n${l.output.trim()}`);
  const entries = (ok) => loads.reduce((n, l) => n + (ok && !l.ok ? 0 : l.entries), 0);
  console.log(`  load: ${entries(true)}/${entries(false)} entry points load with require and import`);
  for (const t of await typecheckSnippets(projectDir)) {
    console.log(`  tsc --strict (${t.resolution}): ${t.ok ? 'ok' : 'FAILED'} (${seconds(t.ms)})`);
    if (!t.ok) failures.push(`tsc --strict, moduleResolution ${t.resolution}:\n${t.output.trim()}`);
  }
}

async function floors(work, packages, tarballs) {
  const runFor = packages.filter((p) => FLOORS[p.name]);
  if (runFor.length === 0) return;
  const versions = Object.assign({}, ...runFor.map((p) => FLOORS[p.name]));
  const frameworks = frameworkSpecs(runFor, versions, packages);
  // only these packages and the @metrics packages they (and the testkit) depend on
  const wanted = new Set(['@metrics/testkit', ...runFor.map((p) => p.name)]);
  for (const p of packages.filter((p) => wanted.has(p.name))) {
    for (const dep of Object.keys(p.pkg.dependencies ?? {})) if (dep.startsWith('@metrics/')) wanted.add(dep);
  }
  const some = new Map([...tarballs].filter(([name]) => wanted.has(name)));
  await userProject({
    label: 'floors',
    projectDir: join(work, 'floors'),
    tarballs: some,
    frameworks,
    runFor,
    packages,
  });
}

const started = Date.now();
const packages = discoverPackages(root);
console.log(`test:packed: ${packages.length} packages: ${packages.map((p) => p.name).join(', ')}`);
checkInstallLines(packages);
if (!args.has('--no-build')) {
  await run(
    'pnpm',
    [
      'exec',
      'turbo',
      'run',
      'build',
      '--filter=./packages/*',
      '--concurrency=2',
      '--output-logs=errors-only',
    ],
    {
      cwd: root,
    },
  );
}
const work = mkdtempSync(join(tmpdir(), 'metrics-packed-'));
try {
  const tarballs = await packAll(packages, join(work, 'tarballs'));
  if (!args.has('--floors-only')) await latest(work, packages, tarballs);
  await floors(work, packages, tarballs);
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
