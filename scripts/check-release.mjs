// `npm run release:check`: runs `changeset version` on a throwaway copy of the repository (the
// tracked and new files, never the checkout itself) and fails unless it runs cleanly and gives what
// RELEASING.md promises: every publishable package at one version, each with a CHANGELOG.md that
// starts with that version, no changeset left, no `workspace:` range rewritten.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const problems = [];

/** The publishable packages of a tree: `{ dir, pkg }` for every packages/* that is not private. */
function publishable(tree) {
  return readdirSync(join(tree, 'packages'))
    .map((name) => join(tree, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private)
    .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
}

const before = publishable(root);
const versions = new Set(before.map(({ pkg }) => pkg.version));
if (versions.size !== 1) {
  problems.push(
    `the publishable packages are not at one version: ${before.map(({ pkg }) => `${pkg.name}@${pkg.version}`).join(', ')} (RELEASING.md)`,
  );
}

const copy = mkdtempSync(join(tmpdir(), 'metrics-release-'));
try {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file && existsSync(join(root, file)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(root, file), join(copy, file));
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const pending = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
  const output = execFileSync(
    process.execPath,
    [join(root, 'node_modules/@changesets/cli/bin.js'), 'version'],
    {
      cwd: copy,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1' },
    },
  );
  if (/warn|error/i.test(output)) problems.push(`changeset version printed:\n${output.trim()}`);
  const left = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
  if (left.length > 0) problems.push(`changesets left after \`changeset version\`: ${left.join(', ')}`);

  const after = publishable(copy);
  const released = new Set(after.map(({ pkg }) => pkg.version));
  if (released.size !== 1) {
    problems.push(
      `after \`changeset version\` the versions differ: ${after.map(({ pkg }) => `${pkg.name}@${pkg.version}`).join(', ')}`,
    );
  }
  for (const { dir, pkg } of after) {
    const changelog = join(dir, 'CHANGELOG.md');
    const text = existsSync(changelog) ? readFileSync(changelog, 'utf8') : '';
    if (!text.startsWith(`# ${pkg.name}\n\n## ${pkg.version}\n`)) {
      problems.push(`${pkg.name}: CHANGELOG.md does not start with its new version ${pkg.version}`);
    }
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      if (dep.startsWith('@metrics/') && !range.startsWith('workspace:'))
        problems.push(`${pkg.name}: ${dep} became ${range}`);
    }
  }
  const lines = (dir) => readFileSync(join(dir, 'CHANGELOG.md'), 'utf8').split('\n').length;
  console.log(
    `release:check: ${pending.length} changesets → ${after.map(({ dir, pkg }) => `${pkg.name}@${pkg.version} (CHANGELOG ${existsSync(join(dir, 'CHANGELOG.md')) ? lines(dir) : 0} lines)`).join(', ')}`,
  );
  if (process.argv.includes('--print')) {
    for (const { dir, pkg } of after)
      console.log(`\n----- ${pkg.name}\n${readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')}`);
  }
} catch (error) {
  problems.push(`changeset version failed: ${error.stderr ?? ''}${error.stdout ?? ''}${error.message}`);
} finally {
  rmSync(copy, { recursive: true, force: true });
}

for (const problem of problems) console.error(`✗ ${problem}`);
console.log(`release:check: ${problems.length === 0 ? 'ok' : `${problems.length} problem(s)`}`);
process.exit(problems.length === 0 ? 0 : 1);
