// test-lane: slow: a dashboard drawn in real time for seconds
// test-from-source: the drawer thread of a run from the .ts sources loads its module through tsx
// startDashboard drawing into a fake terminal: keys (q, Ctrl-C) call onQuit,
// stop() leaves the final frame with the file paths and restores the terminal,
// resizes are followed (NO_COLOR is in paint.test.tsx, which forces colour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDashboard } from '../../src/dashboard/index.js';
import type { Io } from '../../src/io.js';
import { createFixedClock } from '../../src/results/clock.js';
import { FakeStdin, FakeTty } from './fake-tty.js';
import * as f from './fixtures.js';

// Under CI ink draws only the last frame, at unmount; intermediate frames are checked elsewhere then.
const INK_IN_CI = ['CI', 'CONTINUOUS_INTEGRATION'].some(
  (k) => process.env[k] !== undefined && process.env[k] !== '0' && process.env[k] !== 'false',
);

function fakeIo(env: Record<string, string> = {}) {
  const stdout = new FakeTty(80, 30);
  const stderr = new FakeTty(80, 30);
  const stdin = new FakeStdin();
  const controller = new AbortController();
  const io: Io = { stdout, stderr, stdin, env, cwd: process.cwd(), interrupt: controller.signal };
  return { io, stdout, stderr, stdin };
}

// The drawer thread loads React and ink on its own; from source, on two busy cores, that takes seconds.
async function until(ok: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const killed = () =>
  f.snapshot({
    nowMs: 15_000,
    phase: 'rollout',
    events: f.killedEvents(),
    totals: f.totals(2780, { reset: 12 }),
    failuresByPod: { [f.PODS.OLD_A]: 12 },
  });

test('q and Ctrl-C call onQuit; stop(final) leaves summary and paths on screen and restores the terminal', async () => {
  const { io, stdout, stderr, stdin } = fakeIo();
  const s = killed();
  let quits = 0;
  const dash = startDashboard({
    view: f.staticView(s),
    io,
    title: 'local demo',
    onQuit: () => void quits++,
    thresholds: { maxErrors: 0 },
  });
  try {
    await until(() => stdin.isRaw, 'raw mode on');
    if (!INK_IN_CI) await until(() => stdout.lastFrame().includes('exited 137'), 'a first frame');
    stdin.press('q');
    await until(() => quits === 1, 'onQuit after q');
    stdin.press('\u0003');
    await until(() => quits === 2, 'onQuit after Ctrl-C');
    stdin.press('x');
    if (!INK_IN_CI)
      await until(
        () => stdout.lastFrame().includes('stopping (quit)'),
        'the header to say it is stopping',
      );
  } finally {
    await dash.stop({
      results: f.finishedResults(s),
      resultsPath: '/tmp/r/run.json',
      reportPath: '/tmp/r/run.html',
    });
  }
  assert.equal(quits, 2, 'other keys do nothing');
  const last = stdout.lastFrame();
  assert.match(last, /verdict FAIL 12 failed requests > max 0/);
  assert.match(last, /^results\s+\/tmp\/r\/run\.json$/m);
  assert.match(last, /^report\s+\/tmp\/r\/run\.html$/m);
  assert.equal(stdin.isRaw, false, 'raw mode is off again');
  assert.ok(stdout.writes.join('').includes('\u001B[?25h'), 'the cursor is shown again');
  assert.equal(stderr.writes.join(''), '');
  const writes = stdout.writes.length;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(stdout.writes.length, writes, 'nothing is drawn after stop');
  await dash.stop(); // a second stop is harmless
});

test('stop() without results just ends the dashboard', async () => {
  const { io, stdin } = fakeIo();
  const dash = startDashboard({
    view: f.staticView(f.snapshot({})),
    io,
    title: 't',
    onQuit: () => undefined,
    thread: 'main',
  });
  await until(() => stdin.isRaw, 'raw mode on');
  await dash.stop();
  assert.equal(stdin.isRaw, false);
});

test('without a terminal on stdin there are no keys, and no raw mode error', async () => {
  const { io, stdout } = fakeIo();
  const dash = startDashboard({
    view: f.staticView(killed()),
    io: { ...io, stdin: undefined },
    title: 't',
    onQuit: () => undefined,
    thread: 'main',
  });
  await dash.stop();
  assert.match(stdout.lastFrame(), /exited 137/);
});

test(
  'a resize is followed: a wider terminal gets a wider frame',
  { skip: INK_IN_CI && 'ink draws only the last frame under CI' },
  async () => {
    const { io, stdout } = fakeIo();
    const clock = createFixedClock();
    const dash = startDashboard({
      view: f.staticView(killed()),
      io,
      title: 't',
      onQuit: () => undefined,
      clock,
      tickMs: 100,
    });
    try {
      await until(() => stdout.lastFrame().includes('exited 137'), 'a first frame');
      const widest = (): number =>
        Math.max(
          ...stdout
            .lastFrame()
            .split('\n')
            .map((l) => l.length),
        );
      assert.ok(widest() <= 80);
      const before = stdout.writes.length;
      stdout.resize(130, 40);
      // The drawing thread clears in its own writes, after every frame it drew at the old size.
      await until(
        () => stdout.writes.slice(before).some((w) => w.includes('\u001B[2J')),
        'the screen is cleared: the terminal rewrapped the old frame',
      );
      clock.set(1000); // the next tick has something new to draw
      await until(() => widest() > 80, 'a frame wider than 80 columns');
      assert.ok(widest() <= 130);
    } finally {
      await dash.stop();
    }
  },
);
