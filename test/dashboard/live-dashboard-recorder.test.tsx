// The dashboard over a REAL recorder (src/results/recorder.ts): push cluster
// events and request outcomes into it and watch successive frames change; and
// check that a storm of updates does not become a storm of redraws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { LiveDashboard } from '../../src/dashboard/live-dashboard.js';
import { createFixedClock } from '../../src/results/clock.js';
import { createRecorder, type Recorder } from '../../src/results/recorder.js';
import type { OutcomeKind } from '../../src/results/types.js';

const OLD_A = 'web-1111-aaaaa';
const OLD_B = 'web-1111-bbbbb';
const NEW_A = 'web-2222-ccccc';
const TICK_MS = 25;

function setup() {
  const clock = createFixedClock();
  const recorder = createRecorder({
    clock,
    command: 'local',
    mode: 'local',
    target: 'http://127.0.0.1:40001/',
    params: {},
    targetRatePerSec: 200,
    warmupMs: 0,
    tickMs: 0,
  });
  recorder.markRecording(0);
  recorder.setPhase('baseline', 0);
  const r = render(
    <LiveDashboard
      view={recorder}
      title="live test"
      tickMs={TICK_MS}
      color={false}
      size={{ columns: 80, rows: 30 }}
      thresholds={{ maxErrors: 0 }}
      clock={clock}
    />,
  );
  return { clock, recorder, r };
}

/** traffic sends 20 requests per 100 ms from `fromMs` to `toMs`, answered by `pod` with `kind`. */
function traffic(
  rec: Recorder,
  fromMs: number,
  toMs: number,
  pod: string,
  kind: OutcomeKind = 'ok',
): void {
  for (let at = fromMs; at < toMs; at += 5) {
    rec.recordSent(at, 'keepalive', 0.1);
    rec.recordOutcome({
      intendedAtMs: at,
      startAtMs: at,
      endAtMs: at + 2,
      kind,
      connId: `w0:c${at % 7}`,
      reused: true,
      population: 'keepalive',
      pod,
    });
  }
}

async function waitForFrame(
  r: ReturnType<typeof render>,
  ok: (frame: string) => boolean,
  what: string,
): Promise<string> {
  const until = Date.now() + 5000;
  for (;;) {
    const frame = r.lastFrame() ?? '';
    if (ok(frame)) return frame;
    if (Date.now() > until) assert.fail(`no frame with ${what}; last frame:\n${frame}`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

test('successive frames follow the recorder: pods appear, answer, get killed, failures show up', async () => {
  const { clock, recorder, r } = setup();
  try {
    assert.match(r.lastFrame() ?? '', /no pods yet/);

    for (const [pod, at] of [
      [OLD_A, 100],
      [OLD_B, 120],
    ] as const) {
      recorder.event({ kind: 'pod-created', pod, atMs: at, revision: 'rev-1' });
      recorder.event({ kind: 'pod-ready', pod, atMs: at + 300 });
    }
    traffic(recorder, 500, 1500, OLD_A);
    traffic(recorder, 502, 1500, OLD_B);
    clock.set(1550);
    recorder.tick();
    const second = await waitForFrame(
      r,
      (f) => f.includes(OLD_B) && /this second\s+ok 400/.test(f),
      'two ready pods answering',
    );
    assert.match(second, new RegExp(`${OLD_A}\\s+cur\\s+ready\\s+1\\.1s\\s+200\\s+0`));
    assert.match(second, /req\/s\s+400 \/ 200 target/);
    assert.match(second, /verdict so far passing: 0 failed, max 0/);

    recorder.setPhase('rollout', 1600);
    recorder.event({ kind: 'rollout-started', atMs: 1600, revision: 'rev-2', trigger: 'restart' });
    recorder.event({ kind: 'pod-created', pod: NEW_A, atMs: 1650, revision: 'rev-2' });
    recorder.event({ kind: 'pod-ready', pod: NEW_A, atMs: 1900 });
    recorder.event({
      kind: 'rollout-progress',
      atMs: 1900,
      replicas: 2,
      updated: 1,
      ready: 3,
      available: 2,
    });
    recorder.event({ kind: 'pod-terminating', pod: OLD_A, atMs: 2000, graceMs: 300 });
    recorder.event({ kind: 'sigterm', pod: OLD_A, atMs: 2000 });
    recorder.event({ kind: 'sigkill', pod: OLD_A, atMs: 2300 });
    recorder.event({
      kind: 'exited',
      pod: OLD_A,
      atMs: 2301,
      exitCode: 137,
      signal: 'SIGKILL',
      afterSigtermMs: 301,
    });
    traffic(recorder, 1500, 2300, OLD_A);
    traffic(recorder, 2300, 2340, OLD_A, 'reset');
    traffic(recorder, 1502, 2600, NEW_A);
    clock.set(2650);
    recorder.tick();
    const third = await waitForFrame(r, (f) => f.includes('exited 137'), 'the old pod exited 137');
    assert.notEqual(third, second);
    assert.match(third, /phase rollout/);
    assert.match(third, /verdict so far FAILING: 8 failed/);
    assert.match(third, new RegExp(`${OLD_A}\\s+old\\s+exited 137\\s+349ms\\s+\\d+\\s+8`));
    assert.match(third, new RegExp(`${NEW_A}\\s+new\\s+ready`));
    assert.match(third, /^reset\s+ *[▁-█]+ 8$/m);
    assert.match(third, new RegExp(`8 reset, ${OLD_A}: 2ms after SIGKILL`));
    assert.match(third, /updated 1\/2 ready 3 available 2/);

    recorder.finish({ stopReason: 'completed', interrupted: false });
    await waitForFrame(r, (f) => /elapsed 2\.6s/.test(f), 'the finished elapsed time');
  } finally {
    r.unmount();
  }
});

test('a storm of events and ticks redraws on the fixed tick, not once per event', async () => {
  const { clock, recorder, r } = setup();
  try {
    await new Promise((res) => setTimeout(res, 3 * TICK_MS));
    const before = r.frames.length;
    const startedAt = Date.now();
    // 2000 events, each followed by a tick that tells the dashboard "changed": 2000 notifications.
    for (let i = 0; i < 2000; i++) {
      recorder.event({ kind: 'pod-created', pod: `p-${i}`, atMs: i, revision: 'rev-1' });
      clock.set(i);
      recorder.tick();
      if (i % 200 === 0) await new Promise((res) => setTimeout(res, 5));
    }
    await waitForFrame(r, (f) => f.includes('p-1999'), 'the last pod');
    const elapsedMs = Date.now() - startedAt;
    const redraws = r.frames.length - before;
    // One redraw per tick at most (plus one for slack), however many notifications arrived.
    assert.ok(
      redraws <= Math.ceil(elapsedMs / TICK_MS) + 1,
      `${redraws} redraws in ${elapsedMs} ms at a ${TICK_MS} ms tick`,
    );
    assert.ok(redraws < 200, `${redraws} redraws for 2000 notifications`);
  } finally {
    r.unmount();
  }
});
