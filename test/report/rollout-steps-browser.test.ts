// test-lane: slow: a real browser (chromium)
// A canary's steps in the report: the per-step table and the step bands on the
// timeline, drawn in headless Chromium from a results file with rollout steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderReport } from '../../src/report/index.js';
import { analyze } from '../../src/analysis/index.js';
import type { ClusterEvent, RolloutStepFields } from '../../src/results/events.js';
import { fail, makeResults, shellPodEvents } from '../analysis/fixtures.js';
import { skipUnless } from '../tools.js';
import { withReportPage } from './report-page.js';

const skip = skipUnless('chromium');
const SHOT_DIR = resolve('test-output/report');
const REVS = { canaryRevision: 'new', stableRevision: 'old' };
const step = (atMs: number, f: Omit<RolloutStepFields, 'canaryRevision' | 'stableRevision'>): ClusterEvent => ({ kind: 'rollout-step', ...f, ...REVS, atMs });

// Three canary steps; the shell-entrypoint stable pod scaled down at step 2 is SIGKILLed after its 3 s grace.
function canaryResults() {
  const events: ClusterEvent[] = [
    step(1000, { strategy: 'canary', index: 0, step: 'setWeight 34%', action: 'set-weight', weight: 34 }),
    step(3000, { strategy: 'canary', index: 1, step: 'pause 5s', action: 'pause', weight: 34 }),
    step(8000, { strategy: 'canary', index: 2, step: 'setWeight 67%', action: 'set-weight', weight: 67 }),
    ...shellPodEvents('old-a', 8000, 3000),
    step(14_000, { strategy: 'canary', index: 3, step: 'full promotion (setWeight 100%)', action: 'promote', weight: 100 }),
  ];
  const failures = [fail(11_001, 'reset', { pod: 'old-a', reused: true }), fail(11_003, 'reset', { pod: 'old-a', reused: true })];
  const results = makeResults({ durationMs: 18_000, events, failures });
  results.analysis = analyze(results, { maxErrors: 0 });
  return results;
}

test('report: a canary run shows its per-step table and tints each step on the timeline', { skip }, async () => {
  const results = canaryResults();
  const steps = results.analysis?.rolloutSteps ?? [];
  assert.deepEqual(steps.map((s) => [s.index, s.failures, s.pass]), [[0, 0, true], [1, 0, true], [2, 2, false], [3, 0, true]]);
  assert.deepEqual(steps[2]?.causes, { 'sigterm-ignored': 2 });
  await withReportPage(renderReport(results), async (page) => {
    assert.equal(await page.locator('#rollout-steps-section').isVisible(), true);
    const rows = await page.locator('#rollout-steps tr[data-step]').allInnerTexts();
    assert.equal(rows.length, 4);
    assert.match(rows[2] ?? '', /canary setWeight 67%\s+67%[\s\S]*2 \/ \d+[\s\S]*2 sigterm-ignored\s+FAIL/);
    assert.match(rows[0] ?? '', /canary setWeight 34%[\s\S]*0 \/ \d+[\s\S]*pass/);
    // The failed step's band is tinted red on the rate chart: sample a pixel inside its span, above the lines.
    const tint = (await page.evaluate(`(() => {
      const c = document.querySelector('#chart-rate canvas');
      const u = c.getBoundingClientRect();
      const ctx = c.getContext('2d');
      const sx = c.width / u.width;
      const plot = document.querySelector('#chart-rate .u-over').getBoundingClientRect();
      const xAt = (s) => (plot.left - u.left + (s - 0) / 18 * plot.width) * sx;
      const y = (plot.top - u.top + plot.height * 0.55) * sx;
      const px = (x) => Array.from(ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data);
      return { failed: px(xAt(10)), passed: px(xAt(5.5)) };
    })()`)) as { failed: number[]; passed: number[] };
    assert.ok((tint.failed[0] ?? 0) > (tint.failed[2] ?? 0), `the failed step's band is reddish: ${tint.failed.join(',')}`);
    assert.ok((tint.passed[2] ?? 0) > (tint.passed[0] ?? 0), `a passed step's band is bluish: ${tint.passed.join(',')}`);
    mkdirSync(SHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOT_DIR, 'rollout-steps.png'), fullPage: true });
  });
});

test('report: a step whose verdict left out streams refused unprocessed says so in its row, and passes as the run does', { skip }, async () => {
  const events: ClusterEvent[] = [
    step(1000, { strategy: 'canary', index: 0, step: 'setWeight 50%', action: 'set-weight', weight: 50 }),
    step(6000, { strategy: 'canary', index: 1, step: 'full promotion (setWeight 100%)', action: 'promote', weight: 100 }),
  ];
  const failures = Array.from({ length: 30 }, (_, i) => fail(3000 + i * 5, 'goaway_refused', { reused: true, streamId: 2 * i + 21 }));
  const results = makeResults({ durationMs: 9000, events, failures });
  results.analysis = analyze(results, { maxErrors: 0 });
  assert.equal(results.analysis.verdict.pass, true);
  await withReportPage(renderReport(results), async (page) => {
    const rows = await page.locator('#rollout-steps tr[data-step]').allInnerTexts();
    assert.match(rows[0] ?? '', /30 \/ \d+ \(30 refused unprocessed, not counted\)[\s\S]*pass/);
    assert.doesNotMatch(rows[1] ?? '', /refused unprocessed/);
  });
});
