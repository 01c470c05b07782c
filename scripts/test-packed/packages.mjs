// What `npm run test:packed` installs and runs, found from the repository itself: every package of
// packages/* that is not private, its README's first ```ts block, the packages that block imports,
// and the peers the package requires. The one table below holds what cannot be derived.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Per package (optional): `script`, the model server's answers for the README's first snippet, in
 * order (default: one text answer); `otlp`, the snippet must deliver OTLP metrics to the sink;
 * `command`, the package's own command its README starts with (run from node_modules/.bin with the
 * environment a user sets) and `records`, how many records it must deliver to the collector.
 * A package without an entry runs its snippet with the default script.
 */
export const SNIPPETS = {
  // `AI_METRICS_ENDPOINT=… EXT_ACCOUNT_ALIAS_ID=… AI_METRICS_JWT_TOKEN=… npx agent-metrics smoke`
  '@metrics/cli': { command: ['agent-metrics', 'smoke'], script: [], records: 1 },
  '@metrics/clients': {
    script: [
      {
        toolCalls: [{ name: 'lookup_order', arguments: { order: 'A-17' } }],
        usage: { input: 31, output: 9 },
      },
    ],
  },
  '@metrics/langchain': {
    script: [
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }], usage: { input: 42, output: 11 } },
      { text: 'Sunny in Rome.', usage: { input: 60, output: 5 } },
    ],
  },
  '@metrics/llamaindex': {
    script: [
      { toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }], usage: { input: 44, output: 13 } },
      { text: '2 + 3 = 5', usage: { input: 70, output: 7 } },
    ],
  },
  '@metrics/mastra': {
    script: [
      { toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }], usage: { input: 38, output: 12 } },
      { text: '5', usage: { input: 55, output: 2 } },
    ],
  },
  '@metrics/otel': { script: [], otlp: true },
  // these snippets call no model
  '@metrics/core': { script: [] },
  '@metrics/dashboard': { script: [] },
  '@metrics/testkit': { script: [] },
};

/** The default answer: what a snippet that asks one question gets. */
export const DEFAULT_SCRIPT = [
  { text: 'Hello from the local model server.', usage: { input: 17, output: 8 } },
];

/**
 * Version specs for packages a snippet imports that no `@metrics/*` package declares as a peer
 * (the newest of the major a user installs today); a peer is installed at its declared range, so
 * npm picks the newest version in it, as it does for a user.
 */
export const FRAMEWORKS = {
  zod: '^4',
  '@ai-sdk/openai': '^4',
  '@langchain/openai': '^1',
  '@llamaindex/openai': '^0.4',
  '@mastra/observability': '^1',
  '@opentelemetry/exporter-metrics-otlp-http': '^0.301',
  '@opentelemetry/sdk-metrics': '^2 || ^3',
};

/** `name` of a module specifier (`@scope/name/sub` → `@scope/name`), or undefined for node builtins and paths. */
export function packageName(specifier) {
  if (specifier.startsWith('node:') || specifier.startsWith('.') || specifier.startsWith('/'))
    return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Fenced ```ts blocks of a markdown text, each as its lines. */
export function tsBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})\s*(\S*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, fence, lang, rest] = open;
    const body = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^${fence[0]}{${fence.length},}\\s*$`).test(lines[j]))
      body.push(lines[j++]);
    if ((lang === 'ts' || lang === 'typescript') && !/\bno-compile\b/.test(rest))
      blocks.push(body.join('\n'));
    i = j;
  }
  return blocks;
}

/** Every bare module a snippet imports (static and dynamic), as package names. */
export function importedPackages(code) {
  const names = new Set();
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;
  for (const match of code.matchAll(pattern)) {
    const name = packageName(match[1]);
    if (name) names.add(name);
  }
  return [...names].sort();
}

/** The `npm install …` line of a README (the first one), as package names, or undefined. */
export function installLine(markdown) {
  const line = /^\s*npm (?:install|i|add) ([^\n`]+)$/m.exec(markdown);
  if (!line) return undefined;
  return line[1]
    .split(/\s+/)
    .filter((word) => word && !word.startsWith('-'))
    .map((word) => word.replace(/(.)@[^/]*$/, '$1'));
}

/** Every publishable package: `{ dir, name, version, pkg, readme, snippet, imports }`. */
export function discoverPackages(root) {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir)
    .sort()
    .map((dir) => join(packagesDir, dir))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => {
      const readmePath = join(dir, 'README.md');
      const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
      const snippet = tsBlocks(readme)[0];
      return {
        dir,
        name: pkg.name,
        version: pkg.version,
        pkg,
        readme,
        snippet,
        imports: snippet ? importedPackages(snippet) : [],
        install: installLine(readme),
      };
    });
}

/**
 * The third-party packages to install beside the tarballs, as `name@spec`: what every snippet
 * imports, plus every peer a package requires, at FRAMEWORKS' spec, else the peer range declared by
 * the @metrics package (the tightest one declared wins: the first found), else `latest`.
 */
export function frameworkSpecs(packages, extra = {}, all = packages) {
  const own = new Set(all.map((p) => p.name));
  const peerRanges = new Map();
  const wanted = new Set();
  for (const { pkg, imports } of packages) {
    const optional = pkg.peerDependenciesMeta ?? {};
    for (const [name, range] of Object.entries(pkg.peerDependencies ?? {})) {
      if (!peerRanges.has(name)) peerRanges.set(name, range);
      if (!optional[name]?.optional) wanted.add(name);
    }
    for (const name of imports) if (!own.has(name)) wanted.add(name);
  }
  for (const name of Object.keys(extra)) wanted.add(name);
  return [...wanted].sort().map((name) => ({
    name,
    spec: extra[name] ?? FRAMEWORKS[name] ?? peerRanges.get(name) ?? 'latest',
  }));
}

/**
 * The lowest versions of each package's peer ranges that the workspace's own tests do not run on
 * (exact versions, with the companions they need): installed in a second fresh project, where the
 * package's README snippet must give the same exact record. A range's lowest version must be tested
 * somewhere, here or in the package's devDependencies (aliases included): `untestedFloors` checks.
 */
export const FLOORS = {
  // @langchain/core 1.4 is the workspace's; below 1.3.4 today's langgraph (which langchain pulls) refuses it
  '@metrics/langchain': { langchain: '1.5.0', '@langchain/langgraph': '1.7.0' },
  // Mastra 1.16 takes AI SDK 5 models (@ai-sdk/openai 2); @mastra/observability 1.17 accepts core >=1.16
  '@metrics/mastra': {
    '@mastra/core': '1.16.0',
    '@mastra/observability': '1.17.9',
    '@ai-sdk/openai': '2.0.130',
  },
  '@metrics/otel': {
    '@opentelemetry/api': '1.9.0',
    '@opentelemetry/sdk-metrics': '2.0.0',
    '@opentelemetry/exporter-metrics-otlp-http': '0.200.0',
  },
};
