// test-lane: slow: a real browser (chromium)
// A node drain in the report, drawn in headless Chromium: the per-node table,
// the node rows heading their pods (drain span, refusal mark), and the budget's
// disruptionsAllowed read back from the chart's legend under the cursor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { renderReport } from '../../src/report/index.js';
import { analyze } from '../../src/analysis/index.js';
import { drainResults } from './drain-results.js';
import { skipUnless } from '../tools.js';
import { withReportPage } from './report-page.js';

const skip = skipUnless('chromium');
const SHOT_DIR = resolve('test-output/report');

// The pixel of a chart's canvas at run time `t` (s) and a fraction `fy` down its plot area; the run spans 0–15 s.
async function pixel(page: Page, chart: string, t: number, fy: number): Promise<number[]> {
  return (await page.evaluate(`(() => {
    const c = document.querySelector('${chart} canvas');
    const box = c.getBoundingClientRect();
    const plot = document.querySelector('${chart} .u-over').getBoundingClientRect();
    const sx = c.width / box.width;
    const x = (plot.left - box.left + ${t} / 15 * plot.width) * sx;
    const y = (plot.top - box.top + ${fy} * plot.height) * sx;
    return Array.from(c.getContext('2d').getImageData(Math.round(x), Math.round(y), 1, 1).data);
  })()`)) as number[];
}

// The value the budget chart's legend shows with the cursor at run time `t` (s).
async function budgetAt(page: Page, t: number): Promise<string> {
  await page.locator('#chart-pdb').scrollIntoViewIfNeeded();
  const plot = await page.locator('#chart-pdb .u-over').boundingBox();
  assert.ok(plot);
  await page.mouse.move(plot.x + (t / 15) * plot.width, plot.y + plot.height / 2);
  return (await page.locator('#chart-pdb .u-legend .u-series').nth(1).locator('.u-value').innerText()).trim();
}

test('report: a drain shows its node rows, refusal marks, budget steps and the per-node table in Chromium', { skip }, async () => {
  const results = drainResults();
  results.analysis = analyze(results, { maxErrors: 0 });
  await withReportPage(renderReport(results), async (page) => {
    assert.equal(await page.locator('#nodes-section').isVisible(), true);
    const cells = async (node: string): Promise<string[]> => page.locator(`#nodes-table tr[data-node="${node}"] td`).allInnerTexts();
    assert.deepEqual(await cells('node-1'), ['node-1', '2', '0', '2', '1 (PDB demo)', '2', '5.0 – 12.0', '7.0 s']);
    assert.deepEqual(await cells('node-2'), ['node-2', '1', '3', '0', '0', '0', '–', '–']);
    assert.equal(
      await page.locator('#chart-pods').getAttribute('aria-label'),
      'Pod lanes by node. node-1: demo-a, demo-b. node-2: demo-c, demo-d, demo-e.',
    );
    // Seven rows: [node-1], demo-a, demo-b, [node-2], demo-c, demo-d, demo-e. The drain bar fills
    // the lower part of node-1's row from 5 s to 12 s, and node-2's row has none.
    const row = (i: number, f: number): number => (i + f) / 7;
    const drain = await pixel(page, '#chart-pods', 8, row(0, 0.7));
    assert.deepEqual(drain.slice(0, 3), [117, 107, 177], `node-1 draining at 8 s: ${drain.join(',')}`);
    // Elsewhere a node row is only its faint tint (a nearly transparent pixel).
    const idle = await pixel(page, '#chart-pods', 8, row(3, 0.7));
    assert.ok((idle[3] ?? 255) < 64, `node-2 not draining: ${idle.join(',')}`);
    const after = await pixel(page, '#chart-pods', 13, row(0, 0.7));
    assert.ok((after[3] ?? 255) < 64, `node-1's drain over by 13 s: ${after.join(',')}`);
    // node-1 stays cordoned to the end (no uncordon): the grey bar in the upper part of its row.
    const cordon = await pixel(page, '#chart-pods', 13, row(0, 0.3));
    assert.deepEqual(cordon.slice(0, 3), [189, 189, 189], `node-1 cordoned at 13 s: ${cordon.join(',')}`);
    // demo-b's lane: the 429 refusal's tick at 5.002 s, pink over the green of a ready pod.
    const refusal = await pixel(page, '#chart-pods', 5.002, row(2, 0.5));
    assert.deepEqual(refusal.slice(0, 3), [231, 41, 138], `refusal mark: ${refusal.join(',')}`);
    assert.deepEqual(await page.locator('#chart-pdb .u-legend .u-series .u-label').allInnerTexts(), ['Value', 'PDB demo']);
    assert.deepEqual([await budgetAt(page, 4), await budgetAt(page, 5.5), await budgetAt(page, 8), await budgetAt(page, 10.4), await budgetAt(page, 14)], ['1', '0', '1', '0', '1']);
    mkdirSync(SHOT_DIR, { recursive: true });
    await page.locator('#charts').screenshot({ path: join(SHOT_DIR, 'nodes-charts.png') });
  });
});
