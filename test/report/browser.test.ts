// test-lane: slow: a real browser (chromium)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { renderCompareReport, renderReport } from '../../src/report/index.js';
import { analyze } from '../../src/analysis/index.js';
import { makeResults } from '../analysis/fixtures.js';
import { sampleResults } from './sample-results.js';
import { skipUnless, whichTool } from '../tools.js';

const skip = skipUnless('chromium');
const CHROMIUM = whichTool('chromium') ?? 'chromium';
// Screenshots land here so a person can look at them after the test.
const SHOT_DIR = resolve('test-output/report');

/** openReport loads an HTML file in headless Chromium with every network request aborted. */
async function withPage<T>(html: string, name: string, fn: (page: import('playwright-core').Page, errors: string[], requests: string[]) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-browser-'));
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  // A fresh profile per run (playwright passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
    offline: true,
    viewport: { width: 1280, height: 900 },
  });
  try {
    const requests: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file://') && url.endsWith(`${name}.html`)) return route.continue();
      requests.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 15_000 });
    return await fn(page, errors, requests);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('report: headless Chromium, offline, draws charts and findings without errors', { skip }, async () => {
  const html = renderReport(sampleResults());
  await withPage(html, 'sample', async (page, errors, requests) => {
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
    const canvases = await page.locator('#charts canvas').count();
    assert.ok(canvases >= 4, `expected 4 chart canvases, saw ${canvases}`);
    // A drawn chart has non-blank pixels in its plot area.
    // The tests' tsconfig has no DOM types: page code is passed as source text.
    const inked = (await page.evaluate(`(() => {
      const c = document.querySelector('#chart-failures canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n += 1;
      return n;
    })()`)) as number;
    assert.ok(inked > 1000, `failure chart has ${inked} painted pixels`);
    const series = await page.locator('#chart-failures .u-legend .u-label').allInnerTexts();
    assert.deepEqual(series.slice(1), ['http_5xx', 'refused', 'reset']);
    const findings = await page.evaluate(`[...document.querySelectorAll('[data-finding]')].map((e) => e.getAttribute('data-finding'))`);
    assert.deepEqual(findings, ['sigterm-ignored', 'unrelated-errors']);
    assert.match(await page.locator('#verdict').innerText(), /FAIL/);
    const rows = await page.locator('#failure-rows tr').count();
    assert.ok(rows > 30);
    await page.selectOption('#filter-kind', 'refused');
    assert.equal(await page.locator('#failure-rows tr').count(), 30);
    await page.selectOption('#filter-kind', '*');
    mkdirSync(SHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOT_DIR, 'sample.png'), fullPage: true });
    await page.locator('#charts').screenshot({ path: join(SHOT_DIR, 'sample-charts.png') });
  });
});

test('report: a hostile results file renders its markup as text', { skip }, async () => {
  const html = renderReport(sampleResults({ hostile: true }));
  assert.ok(!html.includes('<img src=x'), 'raw markup from the results must not be in the HTML');
  await withPage(html, 'hostile', async (page, errors, requests) => {
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [], 'the <img> must never load');
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.equal(await page.locator('main img').count(), 0);
    assert.match(await page.locator('#figures').innerText(), /<script>window.__pwned=1<\/script>/);
    mkdirSync(SHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOT_DIR, 'hostile.png'), fullPage: true });
  });
});

test('compare report and a clean load-mode report draw without errors', { skip }, async () => {
  const clean = makeResults({ ratePerSec: 100, durationMs: 20_000 });
  clean.analysis = analyze(clean, { maxErrors: 0 });
  await withPage(renderCompareReport([sampleResults(), clean], { labels: ['shell', 'exec'] }), 'compare', async (page, errors, requests) => {
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
    assert.equal(await page.locator('#charts canvas').count(), 3);
    assert.deepEqual(await page.evaluate(`[...document.querySelectorAll('[data-run]')].map((e) => e.getAttribute('data-run'))`), ['shell', 'exec']);
    assert.match(await page.locator('#compare-rows').innerText(), /FAIL[\s\S]*PASS/);
    mkdirSync(SHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOT_DIR, 'compare.png'), fullPage: true });
  });
  await withPage(renderReport(clean), 'clean', async (page, errors) => {
    assert.deepEqual(errors, []);
    assert.match(await page.locator('#verdict').innerText(), /PASS/);
    assert.match(await page.locator('#findings').innerText(), /No findings/);
    assert.match(await page.locator('#chart-pods').innerText(), /No pod events/);
    assert.match(await page.locator('#failure-count').innerText(), /^0 of 0 failures shown/);
  });
});

test('report: HTTP/2 connection lanes draw each connection, its GOAWAYs and cut closes on its pod\'s lane; stream share by pod', { skip }, async () => {
  const r = sampleResults();
  // Two pods; web-a's connections get a GOAWAY at 5 s and 12 s, web-b's one is cut at 15 s.
  const goawayAt = [5, 12];
  r.connections = [
    { connId: 'w0:c1', population: 'keepalive', openedAtMs: 100, closedAtMs: 5200, pod: 'web-a', streams: 500, goaways: [{ atMs: goawayAt[0]! * 1000, errorCode: 'NO_ERROR', lastStreamId: 999, streamsOpen: 3 }], streamsOpenAtClose: 0 },
    { connId: 'w0:c2', population: 'keepalive', openedAtMs: 5300, closedAtMs: 12_300, pod: 'web-a', streams: 700, goaways: [{ atMs: goawayAt[1]! * 1000, errorCode: 'NO_ERROR', lastStreamId: 1399, streamsOpen: 2 }], streamsOpenAtClose: 0 },
    { connId: 'w0:c3', population: 'keepalive', openedAtMs: 200, closedAtMs: 15_000, pod: 'web-b', streams: 1500, goaways: [], streamsOpenAtClose: 4, closeError: 'ECONNRESET' },
    { connId: 'w0:c4', population: 'fresh', openedAtMs: 11_950, closedAtMs: 12_100, pod: 'web-a', streams: 1, goaways: [{ atMs: goawayAt[1]! * 1000, errorCode: 'NO_ERROR', lastStreamId: 0, streamsOpen: 1 }], streamsOpenAtClose: 0 },
  ];
  r.totals.connections = { kept: 4, freshOmitted: 120, freshOmittedByPod: { 'web-a': 60, 'web-b': 60 } };
  for (const s of r.intervals) s.okByPod = s.atMs < 10_000 ? { 'web-a': 6, 'web-b': 4 } : { 'web-b': 10 };
  await withPage(renderReport(r), 'connections', async (page, errors) => {
    assert.deepEqual(errors, []);
    assert.match(await page.locator('#chart-conns .u-title').innerText(), /HTTP\/2 connections by pod \(4 of 4 drawn; 120 fresh/);
    // Columns of the lanes' canvas where each colour is painted (page code as source text: no DOM types here).
    const columns = (await page.evaluate(`(() => {
      const c = document.querySelector('#chart-conns canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const want = { goaway: [255, 127, 14], cut: [165, 15, 21], keepalive: [49, 130, 189], fresh: [158, 154, 200] };
      const out = { goaway: [], cut: [], keepalive: [], fresh: [], width: c.width };
      for (const [name, rgb] of Object.entries(want)) {
        const xs = new Set();
        for (let i = 0; i < d.length; i += 4) if (d[i] === rgb[0] && d[i + 1] === rgb[1] && d[i + 2] === rgb[2] && d[i + 3] === 255) xs.add((i / 4) % c.width);
        out[name] = [...xs].sort((a, b) => a - b);
      }
      return out;
    })()`)) as { goaway: number[]; cut: number[]; keepalive: number[]; fresh: number[]; width: number };
    const clusters = (xs: number[]): number[][] => xs.reduce<number[][]>((acc, x) => {
      const last = acc[acc.length - 1];
      if (last && x - (last[last.length - 1] ?? 0) <= 3) last.push(x);
      else acc.push([x]);
      return acc;
    }, []);
    assert.equal(clusters(columns.goaway).length, 2, `two GOAWAY times drawn: ${JSON.stringify(clusters(columns.goaway).map((c) => c[0]))}`);
    assert.equal(clusters(columns.cut).length, 1, 'one cut close drawn');
    // The cut is at 15 s, right of both GOAWAYs (12 s, 5 s), and the keep-alive bars span most of the plot.
    const [g1, g2] = clusters(columns.goaway).map((c) => c[0] ?? 0);
    const cutX = columns.cut[0] ?? 0;
    assert.ok((g1 ?? 0) < (g2 ?? 0) && (g2 ?? 0) < cutX, `GOAWAYs at ${g1}, ${g2}, cut at ${cutX}`);
    const ratio = ((g2 ?? 0) - (g1 ?? 0)) / (cutX - (g1 ?? 0));
    assert.ok(Math.abs(ratio - 7 / 10) < 0.05, `x positions follow the times (${ratio.toFixed(3)} vs 0.7)`);
    assert.ok(columns.keepalive.length > columns.width / 3, 'keep-alive connections drawn as bars');
    assert.ok(columns.fresh.length > 0, 'the kept fresh connection drawn');
    const legend = await page.locator('#chart-share .u-legend .u-label').allInnerTexts();
    assert.deepEqual(legend.slice(1), ['web-b', 'web-a']);
    mkdirSync(SHOT_DIR, { recursive: true });
    await page.locator('#charts').screenshot({ path: join(SHOT_DIR, 'connections-charts.png') });
  });
});
