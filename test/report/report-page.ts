// Opens a report in headless Chromium (offline, a fresh profile, 1280×900) for the
// report's browser tests, and removes everything it made afterwards.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { whichTool } from '../tools.js';

/** withReportPage writes `html` to a temp file, waits for the page to render without page errors, then runs `fn` on it. */
export async function withReportPage<T>(html: string, fn: (page: Page) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-browser-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: whichTool('chromium') ?? 'chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'],
    offline: true,
    viewport: { width: 1280, height: 900 },
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 15_000 });
    assert.deepEqual(errors, []);
    return await fn(page);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
