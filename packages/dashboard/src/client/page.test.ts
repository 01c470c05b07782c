import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient } from '../../scripts/build-client.js';
import { type Dashboard, startDashboard } from '../server/start-dashboard.js';
import {
  CHROMIUM_PATH,
  type HeadlessBrowser,
  hasChromium,
  launchChromium,
} from '../test-support/chromium.js';
import { RUN, demoRecords, writeEvents } from '../test-support/demo-records.js';

if (!hasChromium) {
  console.warn(
    `[dashboard] browser test SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium; .ci/run installs it)`,
  );
}

const cardValue = (page: Page, id: string) => page.locator(`[data-testid=card-${id}] .value`).textContent();
const rowTexts = (page: Page, selector: string) =>
  page
    .locator(`${selector} tbody tr`)
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent)));

describe.runIf(hasChromium)('the page in headless Chromium', () => {
  let dir: string;
  let path: string;
  let dashboard: Dashboard;
  let browser: HeadlessBrowser;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dashboard-page-'));
    path = join(dir, 'events.jsonl');
    await buildClient(join(dir, 'public'));
    await writeEvents(path, demoRecords().slice(0, 2));
    dashboard = await startDashboard({ source: path, assetsDir: join(dir, 'public'), pollMs: 100 });
    browser = await launchChromium();
    browser.context.setDefaultTimeout(5000);
    page = await browser.context.newPage();
    const offline: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(dashboard.url)) offline.push(request.url());
    });
    await page.goto(dashboard.url);
    await page.waitForSelector('body[data-version]');
    expect(offline).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the totals of the runs in the file in cards and tables', async () => {
    expect(await cardValue(page, 'runs')).toBe('2');
    expect(await cardValue(page, 'input')).toBe('1,800');
    expect(await cardValue(page, 'output')).toBe('390');
    expect(await cardValue(page, 'cache-read')).toBe('890');
    expect(await cardValue(page, 'cache-write')).toBe('220');
    expect(await cardValue(page, 'reasoning')).toBe('15');
    expect(await cardValue(page, 'throttles')).toBe('1');
    expect(await rowTexts(page, '#table-models')).toEqual([
      ['claude-sonnet-4-6', '1', '2', '1,300', '340', '890', '220', '15', '1,640'],
      ['gpt-4o', '1', '2', '500', '50', '0', '0', '0', '550'],
    ]);
    expect(await rowTexts(page, '#table-tool-types')).toEqual([
      ['api', '1', '0', '0.0%'],
      ['mcp', '1', '1', '100.0%'],
    ]);
  });

  it('draws every chart on a canvas', async () => {
    const drawn = await page.locator('canvas').evaluateAll((canvases) =>
      (canvases as HTMLCanvasElement[]).map((canvas) => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
        return [canvas.id, canvas.width > 0 && painted > 100];
      }),
    );
    expect(drawn).toEqual([
      ['chart-timeline', true],
      ['chart-tokens-model', true],
      ['chart-tokens-framework', true],
      ['chart-latency', true],
      ['chart-ttft', true],
      ['chart-errors', true],
    ]);
  });

  it('shows a run with its model calls and tool calls, and a session with its runs', async () => {
    await page.locator(`#table-runs tr[data-key="${RUN.graph}"]`).click();
    await expect
      .poll(() => page.locator('[data-testid=detail-title]').textContent())
      .toBe(`Run ${RUN.graph}`);
    const calls = await rowTexts(page, '#detail-calls');
    expect(calls.map((c) => [c[0], c[2], c[3], c[6], c[7]])).toEqual([
      ['run', 'claude-sonnet-4-6', 'success', '1,200', '300'],
      ['subagent: researcher', 'claude-sonnet-4-6', 'success', '100', '40'],
    ]);
    expect((await rowTexts(page, '#detail-tools')).map((t) => [t[1], t[2], t[3]])).toEqual([
      ['search', 'api', 'success'],
    ]);
    await page.locator('[data-testid=detail-close]').click();
    await page.locator('#table-sessions tr[data-key="conv-1"]').click();
    await expect.poll(() => page.locator('[data-testid=detail-title]').textContent()).toBe('Session conv-1');
    expect((await rowTexts(page, '#detail-runs')).map((r) => [r[1], r[4]])).toEqual([
      ['LANGGRAPH', 'success'],
      ['OPENAI_AGENTS_SDK', 'success'],
    ]);
    await page.locator('[data-testid=detail-close]').click();
    await expect.poll(() => page.locator('#detail').isHidden()).toBe(true);
  });

  it('shows runs appended to the file and skipped lines without a reload', async () => {
    await writeEvents(path, demoRecords().slice(2));
    await appendFile(path, '{"type":"invocation","run_id":"cut-off\n');
    await expect.poll(() => cardValue(page, 'runs'), { timeout: 10_000 }).toBe('3');
    await expect
      .poll(() => page.locator('[data-testid=skipped]').textContent())
      .toBe('skipped 1 (unreadable 1)');
    expect(await cardValue(page, 'failed')).toBe('1');
    await page.locator('#filter-errors').check();
    await expect.poll(async () => (await rowTexts(page, '#table-runs')).map((r) => r[1])).toEqual(['AISDK']);
  });
});
