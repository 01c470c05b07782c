// The user's side: the packages packed as the registry would get them, and one fresh npm project
// outside the workspace that installs those tarballs and the frameworks, as a user would.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs a command; resolves with its output, rejects (with the output) when it fails. */
export function run(command, args, { cwd, env = process.env, timeoutMs = 600_000, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code, signal, stdout, stderr };
      if (code === 0) resolve(result);
      else if (quiet) resolve(result);
      else {
        const how = signal ? `killed by ${signal} (timeout ${timeoutMs} ms)` : `exit ${code}`;
        reject(new Error(`${command} ${args.join(' ')} (in ${cwd}): ${how}\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** Packs each package with pnpm (which rewrites `workspace:` ranges as publishing does); returns tarball paths. */
export async function packAll(packages, destination) {
  mkdirSync(destination, { recursive: true });
  const tarballs = new Map();
  for (const { dir, name, version } of packages) {
    await run('pnpm', ['pack', '--pack-destination', destination], { cwd: dir });
    const file = `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
    tarballs.set(name, join(destination, file));
  }
  return tarballs;
}

/**
 * Writes the fresh project's package.json (every tarball as `file:`, every framework at its spec,
 * TypeScript and @types/node at the workspace's versions) and runs one `npm install`.
 */
export async function installProject({ projectDir, tarballs, frameworks, root, cacheDir }) {
  mkdirSync(projectDir, { recursive: true });
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dependencies = {};
  for (const [name, file] of tarballs) dependencies[name] = `file:${file}`;
  for (const { name, spec } of frameworks) dependencies[name] = spec;
  const devDependencies = {
    typescript: rootPkg.devDependencies.typescript,
    '@types/node': rootPkg.devDependencies['@types/node'],
    semver: '^7', // for this script's peer-range check, not for the packages
  };
  const pkg = { name: 'metrics-packed-user', private: true, type: 'module', dependencies, devDependencies };
  writeFileSync(join(projectDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  // An .npmrc of its own: nothing of the workspace's configuration reaches the user's project.
  writeFileSync(join(projectDir, '.npmrc'), 'fund=false\naudit=false\nupdate-notifier=false\n');
  const started = Date.now();
  const result = await run(
    'npm',
    // --force: one project holds every framework, and two of them disagree on a shared optional
    // peer (see the README's "one project" note); npm then warns instead of refusing. Our own
    // packages' peer ranges are checked separately (peerProblems).
    [
      'install',
      '--force',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=warn',
      '--cache',
      cacheDir,
    ],
    { cwd: projectDir, env: { ...process.env, npm_config_userconfig: join(projectDir, '.npmrc') } },
  );
  const lock = JSON.parse(readFileSync(join(projectDir, 'package-lock.json'), 'utf8'));
  const installed = (name) => lock.packages?.[`node_modules/${name}`]?.version;
  // "npm warn peerOptional openai@"^6.45.0" from @strands-agents/sdk@1.19.0": one line per conflict
  const warnings = [
    ...new Set(
      result.stderr.split('\n').filter((line) => /^npm warn (peer|peerOptional) .* from /.test(line)),
    ),
  ];
  return {
    ms: Date.now() - started,
    installed,
    warnings,
    count: Object.keys(lock.packages ?? {}).length - 1,
  };
}
