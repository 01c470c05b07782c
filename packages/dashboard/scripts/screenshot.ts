// README screenshots, taken by the same headless Chromium as the browser test:
//   npm run demo && sh scripts/toolchain.sh pnpm --filter @metrics/dashboard exec tsx scripts/screenshot.ts ../../.metrics/events.jsonl
import { join, resolve } from 'node:path';
import { startDashboard } from '../src/server/start-dashboard.js';
import { launchChromium } from '../src/test-support/chromium.js';

const [source = '../../.metrics/events.jsonl'] = process.argv.slice(2);
const docs = resolve(import.meta.dirname, '../docs');
const dashboard = await startDashboard({ source, assetsDir: resolve(import.meta.dirname, '../dist/public') });
const browser = await launchChromium({ width: 1280, height: 1000 });
try {
  await dashboard.loaded;
  const page = await browser.context.newPage();
  await page.goto(dashboard.url);
  await page.waitForSelector('body[data-version]');
  await page.screenshot({ path: join(docs, 'dashboard.png') });
  const withTools = dashboard.store.rows.find(
    (row) => row.apiToolCalls + row.mcpToolCalls > 0 && row.memberRuns > 0,
  );
  const run = withTools ?? dashboard.store.rows.find((row) => row.modelCalls > 1) ?? dashboard.store.rows[0]!;
  await page.evaluate((id) => {
    location.hash = `run/${id}`;
  }, run.runId);
  await page.waitForSelector('[data-testid=detail-calls]');
  await page.screenshot({
    path: join(docs, 'run-detail.png'),
    clip: { x: 520, y: 0, width: 760, height: 640 },
  });
  console.log(`wrote ${join(docs, 'dashboard.png')} and run-detail.png`);
} finally {
  await browser.close();
  await dashboard.close();
}
