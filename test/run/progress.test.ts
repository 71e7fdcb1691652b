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

test('the progress line says the generator is BEHIND when its lag passes 100 ms, and names a saturated loop', () => {
  const clock = createFixedClock();
  const rec = createRecorder({ clock, command: 'load', mode: 'load', target: 'x', params: {}, targetRatePerSec: 10, warmupMs: 0, tickMs: 0 });
  rec.markRecording(0);
  rec.setPhase('steady', 0);
  for (let i = 0; i < 10; i += 1) rec.recordSent(i * 100, 'keepalive', i < 5 ? 2 : 300);
  clock.set(1050);
  rec.tick();
  assert.match(formatProgressLine(rec.snapshot()) ?? '', / {2}lag p99 300\.\dms BEHIND$/);
  const saturated = { ...rec.snapshot(), generator: { sourceKind: 'worker' as const, sources: [{ index: 1, eventLoopUtilization: 0.99, cpuPercent: 98, lagP99Us: 2000 }] } };
  assert.match(formatProgressLine(saturated) ?? '', /BEHIND \(worker 1 loop 99%\)$/);
  // Requests waiting for a connection have no lag yet: a rate by actual send time under 90 % of the target is behind too.
  const short = { ...rec.snapshot(), targetRatePerSec: 100, generator: { sourceKind: 'worker' as const, sources: [{ index: 0, eventLoopUtilization: 0.3, cpuPercent: 30, lagP99Us: 2000 }] } };
  assert.match(formatProgressLine(short) ?? '', /rate 10\/100\/s .* BEHIND$/);
});
