import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { RunnersPanel, runnerPanelRows } from '../../src/dashboard/runners-panel.js';
import { describeEvent } from '../../src/dashboard/model/event-lines.js';
import type { RunnerLive } from '../../src/results/live.js';

const runner = (index: number, over: Partial<RunnerLive> = {}): RunnerLive => ({
  index,
  name: `rollcheck-runners-abc-${index}-x1`,
  ratePerSec: 100,
  sentPerSec: 100,
  sent: 1000,
  ok: 990,
  failed: 10,
  lost: false,
  ...over,
});

test('runners panel: the merged rate against the target, one row per runner, a lost runner marked', () => {
  const runners = [runner(0), runner(1, { sentPerSec: 0, lost: true }), runner(2, { sentPerSec: 98 })];
  const frame = render(<RunnersPanel runners={runners} columns={100} />).lastFrame() ?? '';
  assert.match(frame, /runners\s+3 × 100\/s\s+merged 198\/s of 300\/s\s+1 LOST/);
  const rows = frame.split('\n').filter((l) => l.startsWith('#'));
  assert.equal(rows.length, 3);
  assert.match(rows[1] ?? '', /^#1\s+rollcheck-runners-abc-1-x1\s+0\/s\s+990\s+10\s+LOST$/);
  assert.equal(runnerPanelRows(runners), 5);
});

test('runners panel: past five runners, the rest are summed in one line', () => {
  const runners = Array.from({ length: 8 }, (_, i) => runner(i, { lost: i === 7, sentPerSec: i === 7 ? 0 : 100 }));
  const frame = render(<RunnersPanel runners={runners} columns={100} />).lastFrame() ?? '';
  assert.equal(frame.split('\n').filter((l) => l.startsWith('#')).length, 5);
  assert.match(frame, /\+3 more runners: 200\/s, 1 lost/);
  assert.equal(runnerPanelRows(undefined), 0);
});

test('the event log says when a runner was lost and why', () => {
  const text = describeEvent({ kind: 'runner-lost', atMs: 5000, runner: 1, name: 'pod-1', reason: 'runner 1 (pod-1) died: container exited 137', ratePerSec: 100 }, 20);
  assert.equal(text, 'runner lost: runner 1 (pod-1) died: container exited 137');
});
