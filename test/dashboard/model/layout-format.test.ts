import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planLayout } from '../../../src/dashboard/model/layout.js';
import {
  bar,
  ellipsize,
  fit,
  formatClock,
  formatLatencyUs,
  formatSpan,
  sparkline,
} from '../../../src/dashboard/model/format.js';

test('planLayout shares the rows between pods and the log, one row spare', () => {
  assert.deepEqual(planLayout({ rows: 30, pods: 4, sparkRows: 1, showRollout: true }), {
    maxPods: 4,
    logLines: 12,
  });
  assert.deepEqual(planLayout({ rows: 24, pods: 4, sparkRows: 3, showRollout: true }), {
    maxPods: 4,
    logLines: 5,
  });
  // Too many pods: the log keeps 3 lines, one row says how many pods are hidden.
  assert.deepEqual(planLayout({ rows: 24, pods: 40, sparkRows: 1, showRollout: true }), {
    maxPods: 7,
    logLines: 3,
  });
  assert.deepEqual(
    planLayout({ rows: 30, pods: 2, sparkRows: 1, showRollout: false, summaryRows: 6 }),
    { maxPods: 2, logLines: 0 },
  );
});

test('formatters', () => {
  assert.deepEqual([0, 999, 1000, 4250, 42_000, 125_000, 3_725_000].map(formatSpan), [
    '0ms',
    '999ms',
    '1.0s',
    '4.3s',
    '42s',
    '2m05s',
    '1h02m',
  ]);
  assert.deepEqual([0, 65_340].map(formatClock), ['0:00.0', '1:05.3']);
  assert.deepEqual([0, 850, 12_345, 250_000, 1_200_000].map(formatLatencyUs), [
    '-',
    '850µs',
    '12.3ms',
    '250ms',
    '1.20s',
  ]);
  assert.equal(ellipsize('demo-7f9c8d-abcde', 8), 'demo-7f…');
  assert.equal(fit('ab', 4, true), '  ab');
  assert.equal(sparkline([0, 1, 4, 8], 8), ' ▁▄█');
  assert.equal(sparkline([0, 0], 0), '  ');
  assert.equal(bar(1, 2, 4), '██░░');
});
