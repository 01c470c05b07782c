import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticAsset {
  body: Buffer;
  type: string;
}

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/** Where the built page lives: `public/` beside the package's bundled entry (`dist/public`). */
export function defaultAssetsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'public');
}

/** The page's files, read once: the page loads nothing from anywhere else. */
export async function loadAssets(dir: string): Promise<Map<string, StaticAsset>> {
  const assets = new Map<string, StaticAsset>();
  for (const [name, type] of Object.entries(FILES)) {
    try {
      assets.set(name, { body: await readFile(join(dir, name)), type });
    } catch (error) {
      throw new Error(
        `@metrics/dashboard: the page is missing (${join(dir, name)}: ${(error as NodeJS.ErrnoException).code}); build the package first`,
      );
    }
  }
  return assets;
}
