import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFixedClock } from '../../src/results/clock.js';
import { createRecorder } from '../../src/results/recorder.js';
import type { RunnerLive } from '../../src/results/live.js';
import { formatProgressLine } from '../../src/run/progress.js';

test('the progress line with --runners: how many still send, and which are lost', () => {
  const clock = createFixedClock();
  const rec = createRecorder({ clock, command: 'run', mode: 'kube', target: 'x', params: {}, targetRatePerSec: 30, warmupMs: 0, tickMs: 0 });
  rec.markRecording(0);
  rec.setPhase('rollout', 0);
  rec.recordSent(0, 'keepalive');
  rec.recordOutcome({ intendedAtMs: 0, startAtMs: 0, endAtMs: 3, kind: 'ok', connId: 'w0:c1', reused: false, population: 'keepalive' });
  clock.set(250);
  rec.tick();
  const runner = (index: number, lost: boolean): RunnerLive => ({ index, name: `p${index}`, ratePerSec: 10, sentPerSec: lost ? 0 : 10, sent: 1, ok: 1, failed: 0, lost });
  assert.match(formatProgressLine({ ...rec.snapshot(), runners: [runner(0, false), runner(1, true), runner(2, false)] }) ?? '', / {2}runners 2\/3 \(lost: 1\)$/);
  assert.match(formatProgressLine({ ...rec.snapshot(), runners: [runner(0, false)] }) ?? '', / {2}runners 1\/1$/);
  assert.doesNotMatch(formatProgressLine(rec.snapshot()) ?? '', /runners/);
});
