// Frames of the dashboard for each state of a run, at a fixed width with a fixed
// clock, from hand-made LiveSnapshots. Goldens live in test/dashboard/frames/;
// UPDATE_GOLDEN=1 rewrites them (then read the diff before committing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from 'ink-testing-library';
import { LiveDashboard } from '../../src/dashboard/live-dashboard.js';
import type { DashboardFinal } from '../../src/dashboard/final-info.js';
import type { LiveSnapshot } from '../../src/results/live.js';
import { createFixedClock } from '../../src/results/clock.js';
import * as f from './fixtures.js';
import { drainResults } from '../report/drain-results.js';

const FRAMES = join(dirname(fileURLToPath(import.meta.url)), 'frames');

function frame(s: LiveSnapshot, size = { columns: 80, rows: 30 }, final?: DashboardFinal): string {
  const r = render(
    <LiveDashboard
      view={f.staticView(s)}
      title="local demo (shell entrypoint)"
      tickMs={200}

      color={false}
      size={size}
      thresholds={{ maxErrors: 0 }}
      final={final}
    />,
  );
  const text = r.lastFrame() ?? '';
  r.unmount();
  return text;
}

function golden(name: string, text: string): void {
  const path = join(FRAMES, `${name}.txt`);
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(path)) {
    mkdirSync(FRAMES, { recursive: true });
    writeFileSync(path, text + '\n');
  }
  assert.equal(text + '\n', readFileSync(path, 'utf8'), `frame ${name} differs from ${path}`);
}

function assertFits(text: string, columns: number, rows: number): void {
  const lines = text.split('\n');
  for (const l of lines) assert.ok([...l].length <= columns, `line wider than ${columns}: "${l}"`);
  // One row spare: a frame that fills the screen makes ink clear it every time.
  assert.ok(lines.length <= rows - 1, `${lines.length} lines do not fit ${rows} rows`);
}

const rolling = (): LiveSnapshot =>
  f.snapshot({
    nowMs: 12_000,
    phase: 'rollout',
    events: f.rollingEvents(),
    recent: f.steady(12_000, 11),
    totals: f.totals(2200),
    okByPod: { [f.PODS.OLD_A]: 1100, [f.PODS.OLD_B]: 1090, [f.PODS.NEW_A]: 10 },
  });

const killed = (): LiveSnapshot =>
  f.snapshot({
    nowMs: 15_000,
    phase: 'rollout',
    events: f.killedEvents(),
    recent: f.steady(15_000, 14, (at) =>
      at >= 14_200 && at < 14_600
        ? { reset: 3 }
        : at >= 14_600 && at < 14_700
          ? { refused: 2 }
          : {},
    ),
    totals: f.totals(2780, { reset: 12, refused: 2 }),
    recentFailures: [
      ...Array.from({ length: 12 }, (_, i) => f.failure(14_600 + i * 10, 'reset', f.PODS.OLD_A)),
      f.failure(14_650, 'refused'),
      f.failure(14_660, 'refused'),
    ],
    failuresByPod: { [f.PODS.OLD_A]: 12 },
    okByPod: { [f.PODS.OLD_A]: 1400, [f.PODS.OLD_B]: 1300, [f.PODS.NEW_A]: 80 },
  });

test('no pods yet: warm-up, empty traffic, "no pods yet", nothing in the log', () => {
  const text = frame(f.snapshot({ nowMs: 1500, phase: 'warmup' }));
  golden('no-pods', text);
  assertFits(text, 80, 30);
  assert.match(text, /phase warm-up/);
  assert.match(text, /elapsed 1\.5s/);
  assert.match(text, /no pods yet/);
  assert.match(text, /rollout\s+not started/);
  assert.match(text, /failures\s+none in the last 60 s/);
});

test('rolling: old and new pods, SIGTERM sent, rollout progress, events in order', () => {
  const text = frame(rolling());
  golden('rolling', text);
  assertFits(text, 80, 30);
  assert.match(text, /req\/s\s+200 \/ 200 target/);
  assert.match(text, new RegExp(`${f.PODS.OLD_A}\\s+old\\s+SIGTERM sent\\s+800ms\\s+1100\\s+0`));
  assert.match(text, new RegExp(`${f.PODS.NEW_A}\\s+new\\s+ready\\s+1\\.0s\\s+10\\s+0`));
  assert.match(text, /progressing → rev-2 .* updated 1\/2 ready 3 available 2/);
  const log = text.slice(text.indexOf('events'));
  assert.ok(
    log.indexOf('rollout started') < log.indexOf(`${f.PODS.OLD_A} SIGTERM`),
    'log is oldest first',
  );
});

test('SIGKILL with failures: verdict failing, exited 137 row, sparkline, bursts told against the kill', () => {
  const text = frame(killed());
  golden('killed', text);
  assertFits(text, 80, 30);
  assert.match(text, /verdict so far FAILING: 14 failed \(0\.5%\), max 0/);
  assert.match(text, /this second\s+ok 200\s+failed 14/);
  assert.match(text, new RegExp(`${f.PODS.OLD_A}\\s+old\\s+exited 137\\s+790ms\\s+1400\\s+12`));
  assert.match(text, /^reset\s+ *[▁-█]+ 12$/m);
  assert.match(text, /^refused\s+ *[▁-█]+ 2$/m);
  assert.match(text, new RegExp(`12 reset, ${f.PODS.OLD_A}: 400ms after SIGKILL`));
  assert.match(text, new RegExp(`2 refused: 450ms after SIGKILL of ${f.PODS.OLD_A}`));
  assert.match(text, /exited code 137, 3\.0s after SIGTERM/);
});

test('finished: verdict, summary, findings and file paths replace the event log', () => {
  const s = { ...killed(), finished: true };
  const text = frame(s, undefined, {
    results: f.finishedResults(s),
    resultsPath: 'reports/run.json',
    reportPath: 'reports/run.html',
  });
  golden('finished', text);
  assertFits(text, 80, 30);
  assert.match(text, /phase finished/);
  assert.match(text, /verdict FAIL 12 failed requests > max 0/);
  assert.match(text, /sent 2794\s+ok 2780\s+failed 14 \(refused 2, reset 12\)/);
  assert.match(text, /outage\s+1 window\(s\), 400ms in all/);
  assert.match(text, /critical\s+demo-5d8f7c9b6-a1b2c ignored SIGTERM/);
  assert.match(text, /^results\s+reports\/run\.json$/m);
  assert.match(text, /^report\s+reports\/run\.html$/m);
  assert.doesNotMatch(text, /^events$/m);
});

test('wider terminals get wider rows; a short one keeps the frame inside its height', () => {
  const wide = frame(killed(), { columns: 140, rows: 40 });
  assertFits(wide, 140, 40);
  assert.ok(
    wide.split('\n').some((l) => l.length > 80),
    'uses the extra width',
  );
  const many = killed();
  const events = [...many.events];
  for (let i = 0; i < 30; i++)
    events.push({
      kind: 'pod-created',
      pod: `extra-${String(i).padStart(2, '0')}`,
      atMs: 20 + i,
      revision: 'rev-1',
    });
  const short = frame({ ...many, events }, { columns: 80, rows: 24 });
  assertFits(short, 80, 24);
  assert.match(short, /\+\d+ more pods/);
});

test('the elapsed time follows the clock between snapshots', async () => {
  const clock = createFixedClock();
  clock.set(2_000);
  const s = f.snapshot({ nowMs: 1_000 });
  const r = render(
    <LiveDashboard
      view={f.staticView(s)}
      title="t"
      tickMs={20}
      color={false}
      size={{ columns: 80, rows: 30 }}
      clock={clock}
    />,
  );
  try {
    assert.match(r.lastFrame() ?? '', /elapsed 2\.0s/);
    clock.set(7_300);
    await waitFor(() => /elapsed 7\.3s/.test(r.lastFrame() ?? ''));
  } finally {
    r.unmount();
  }
});

async function waitFor(ok: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out waiting for a frame');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('the generator line: lag and each worker\'s loop and CPU; BEHIND past 100 ms of lag, and the frame still fits', () => {
  const generator = (lagP99Us: number, elu: number): LiveSnapshot['generator'] => ({
    sourceKind: 'worker',
    sources: [
      { index: 0, eventLoopUtilization: elu, cpuPercent: 60, lagP99Us },
      { index: 1, eventLoopUtilization: 0.3, cpuPercent: 60, lagP99Us: 900 },
    ],
  });
  const kept = frame({ ...rolling(), generator: generator(1500, 0.31) });
  assertFits(kept, 80, 30);
  assert.match(kept, /^generator lag p99 1\.5ms {2}w0 loop 31% cpu 60% {2}w1 loop 30% cpu 60%$/m);
  assert.doesNotMatch(kept, /BEHIND/);
  const behind = frame({ ...rolling(), generator: generator(2_300_000, 1) });
  assertFits(behind, 80, 30);
  assert.match(behind, /^generator lag p99 2\.30s BEHIND {2}w0 loop 100% cpu 60%/m);
  assert.doesNotMatch(frame(rolling()), /^generator/m, 'nothing said where no source reported its load');
});

test('a node drain: each pod row names its node, the drain line counts evictions and refusals with the budget, the log shows the 429', () => {
  const events = drainResults().events.filter((e) => e.atMs <= 5500);
  const s = f.snapshot({ nowMs: 5500, phase: 'rollout', events, recent: f.steady(5500, 5), totals: f.totals(1000), okByPod: { 'demo-a': 300, 'demo-b': 300, 'demo-c': 400 } });
  const text = frame(s);
  assertFits(text, 80, 30);
  assert.match(text, /POD\s+NODE\s+REV\s+STATE/);
  assert.match(text, /demo-a\s+node-1\s+cur\s+SIGTERM sent/);
  assert.match(text, /demo-b\s+node-1\s+cur\s+ready\s+\S+\s+300\s+0/);
  assert.match(text, /demo-d\s+node-2\s+cur\s+starting/);
  assert.match(text, /\ndrain {5}node-1 draining 500ms: evicted 1\/2, 429 ×1, PDB demo allows 0 \(health/);
  assert.doesNotMatch(text, /rollout\s+not started/);
  assert.match(text, /demo-b eviction refused: 429 \(PDB demo\)/);
  // Without nodes the pods table keeps its columns.
  assert.doesNotMatch(frame(rolling()), /NODE|\ndrain /);
});
