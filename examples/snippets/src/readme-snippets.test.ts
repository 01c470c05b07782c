// Every ```ts block of the READMEs must appear, verbatim, in one of the snippet files of this
// package, which `pnpm typecheck` compiles against the real packages. So a quickstart that stops
// compiling (or drifts from the file that compiles) fails the build.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const srcDir = import.meta.dirname;

/** The root README, every `packages/<name>/README.md` and every `packages/<name>/docs/*.md`. */
function readmeFiles(): string[] {
  const files = [join(root, 'README.md')];
  const packages = join(root, 'packages');
  for (const name of readdirSync(packages).sort()) {
    const readme = join(packages, name, 'README.md');
    if (existsSync(readme)) files.push(readme);
    const docs = join(packages, name, 'docs');
    if (existsSync(docs)) {
      for (const doc of readdirSync(docs).sort()) if (doc.endsWith('.md')) files.push(join(docs, doc));
    }
  }
  return files;
}

export interface CodeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  info: string;
  lines: string[];
}

/** Fenced blocks whose language is `ts` (or `typescript`), with trailing whitespace trimmed per line. */
export function extractTsBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(\S*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent = '', fence = '', lang = '', rest = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines[j]!)) {
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!);
      j++;
    }
    if (lang === 'ts' || lang === 'typescript') {
      blocks.push({ line: i + 1, info: `${lang}${rest}`.trim(), lines: body.map((l) => l.trimEnd()) });
    }
    i = j;
  }
  return blocks;
}

/**
 * True when `block` appears as consecutive lines of `file`, each with the same leading indentation
 * (a block that declares nothing exported sits inside a function there), trailing whitespace ignored.
 */
export function containsBlock(file: string, block: readonly string[]): boolean {
  const lines = file.split(/\r?\n/).map((l) => l.trimEnd());
  const start = block.findIndex((l) => l !== '');
  if (start === -1) return true;
  const first = block[start]!;
  for (let i = start; i + block.length - start <= lines.length; i++) {
    const candidate = lines[i]!;
    if (!candidate.endsWith(first)) continue;
    const indent = candidate.slice(0, candidate.length - first.length);
    if (indent.trim() !== '') continue;
    const offset = i - start;
    if (block.every((l, k) => (l === '' ? lines[offset + k] === '' : lines[offset + k] === indent + l))) {
      return true;
    }
  }
  return false;
}

const snippetFiles = readdirSync(srcDir)
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(srcDir, name), 'utf8') }));

const readmes = readmeFiles().map((file) => ({
  path: relative(root, file),
  blocks: extractTsBlocks(readFileSync(file, 'utf8')),
}));

describe('the matcher', () => {
  it('finds a block at module level and inside a function, and nothing else', () => {
    const file = "import { a } from 'a';  \n\nexport function f() {\n  const x = a(1);\n\n  x.end();\n}\n";
    expect(containsBlock(file, ["import { a } from 'a';"])).toBe(true);
    expect(containsBlock(file, ['const x = a(1);', '', 'x.end();'])).toBe(true);
    expect(containsBlock(file, ['const x = a(2);', '', 'x.end();'])).toBe(false);
    expect(containsBlock(file, ['const x = a(1);', 'x.end();'])).toBe(false);
    expect(containsBlock(file, ['  const x = a(1);', '', 'x.end();'])).toBe(false);
  });

  it('extracts ts blocks only, with their info string', () => {
    const md = '# t\n\n```ts\nconst a = 1;   \n```\n\n```sh\nls\n```\n\n```ts no-compile\nx?\n```\n';
    expect(extractTsBlocks(md)).toEqual([
      { line: 3, info: 'ts', lines: ['const a = 1;'] },
      { line: 11, info: 'ts no-compile', lines: ['x?'] },
    ]);
  });
});

describe('README snippets', () => {
  it('reads the READMEs the quickstarts live in', () => {
    const paths = readmes.map((r) => r.path);
    for (const expected of ['README.md', 'packages/core/README.md', 'packages/core/docs/delivery.md']) {
      expect(paths).toContain(expected);
    }
    expect(readmes.reduce((n, r) => n + r.blocks.length, 0)).toBeGreaterThanOrEqual(16);
  });

  for (const readme of readmes.filter((r) => r.blocks.some((b) => !/\bno-compile\b/.test(b.info)))) {
    describe(readme.path, () => {
      // A block marked ```ts no-compile is deliberately not code: it is not looked for.
      for (const block of readme.blocks.filter((b) => !/\bno-compile\b/.test(b.info))) {
        const firstLine = block.lines.find((l) => l.trim() !== '') ?? '(empty)';
        it(`line ${block.line}: ${firstLine}`, () => {
          const found = snippetFiles.some((f) => containsBlock(f.text, block.lines));
          expect(
            found,
            `${readme.path}: the \`\`\`ts block at line ${block.line} starting "${firstLine}" is not, verbatim, ` +
              `in any file of examples/snippets/src (${snippetFiles.map((f) => f.name).join(', ')}); ` +
              'copy it there (or fix the README) so that `pnpm typecheck` compiles it',
          ).toBe(true);
        });
      }
    });
  }
});
