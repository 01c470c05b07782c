import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles the page (script, styles, chart library) into `outDir`: everything the browser loads, no network. */
export async function buildClient(outDir: string): Promise<void> {
  const out = resolve(packageDir, outDir);
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: [join(packageDir, 'src/client/main.ts')],
    outfile: join(out, 'app.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'style.css']) {
    await copyFile(join(packageDir, 'src/client', file), join(out, file));
  }
}
