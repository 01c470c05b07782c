// How the page behaves on a large file, in the same headless Chromium as the browser test:
//   sh ../../scripts/toolchain.sh node scripts/generate-events.mjs /tmp/events-100k.jsonl 100000
//   sh ../../scripts/toolchain.sh pnpm exec tsx scripts/measure-page.ts /tmp/events-100k.jsonl
import { resolve } from 'node:path';
import { startDashboard } from '../src/server/start-dashboard.js';
import { launchChromium } from '../src/test-support/chromium.js';

const [source] = process.argv.slice(2);
if (!source) throw new Error('usage: measure-page.ts <events.jsonl | collector.db>');
const dashboard = await startDashboard({ source, assetsDir: resolve(import.meta.dirname, '../dist/public') });
const browser = await launchChromium();
try {
  await dashboard.loaded;
  const page = await browser.context.newPage();
  let t = performance.now();
  await page.goto(dashboard.url);
  await page.waitForSelector('body[data-version]');
  console.log(`${dashboard.store.rows.length} runs: page drawn in ${(performance.now() - t).toFixed(0)} ms`);
  const pager = page.locator('[data-testid=pager-text]').last();
  t = performance.now();
  await page.locator('#pager-runs button[data-dir="1"]').click();
  await page.waitForFunction(() => document.querySelector('#pager-runs span')?.textContent?.startsWith('51'));
  console.log(`next page of runs in ${(performance.now() - t).toFixed(0)} ms (${await pager.textContent()})`);
  t = performance.now();
  await page.locator('#filter-runs').fill('gpt-4o-mini');
  await page.waitForFunction(
    () => !document.querySelector('#pager-runs span')?.textContent?.endsWith('of 100000'),
  );
  console.log(`filter in ${(performance.now() - t).toFixed(0)} ms (${await pager.textContent()})`);
  const metrics = await page.evaluate(() => (performance as any).memory?.usedJSHeapSize ?? 0);
  console.log(`page JS heap: ${(metrics / 1024 / 1024).toFixed(1)} MB`);
} finally {
  await browser.close();
  await dashboard.close();
}
