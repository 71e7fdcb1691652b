// test-lane: slow: frames drawn in real time for seconds
// Colour on and off (NO_COLOR): chalk decides at import whether it may colour,
// so this file forces colour before loading ink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as f from './fixtures.js';

const ESC = String.fromCharCode(27);
const SGR = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

process.env['FORCE_COLOR'] = '1';
const { render } = await import('ink-testing-library');
const { LiveDashboard } = await import('../../src/dashboard/live-dashboard.js');
const { startDashboard } = await import('../../src/dashboard/index.js');
const { FakeTty } = await import('./fake-tty.js');

test('colour on: escape codes; colour off (NO_COLOR): none, and the same text', () => {
  const s = f.snapshot({
    nowMs: 15_000,
    events: f.killedEvents(),
    totals: f.totals(100, { reset: 3 }),
    failuresByPod: { [f.PODS.OLD_A]: 3 },
  });
  const colored = render(
    <LiveDashboard
      view={f.staticView(s)}
      title="t"
      tickMs={200}
      color
      size={{ columns: 80, rows: 30 }}
    />,
  );
  const plain = render(
    <LiveDashboard
      view={f.staticView(s)}
      title="t"
      tickMs={200}
      color={false}
      size={{ columns: 80, rows: 30 }}
    />,
  );
  try {
    const c = colored.lastFrame() ?? '';
    const p = plain.lastFrame() ?? '';
    assert.ok(c.includes(`${ESC}[31m`), 'failures are red when colour is on');
    assert.ok(!p.includes(ESC), 'no escape codes without colour');
    assert.equal(c.replace(SGR, ''), p);
  } finally {
    colored.unmount();
    plain.unmount();
  }
});

test('startDashboard colours by default and not under NO_COLOR', async () => {
  const s = f.snapshot({
    nowMs: 15_000,
    events: f.killedEvents(),
    totals: f.totals(100, { reset: 3 }),
    failuresByPod: { [f.PODS.OLD_A]: 3 },
  });
  const draw = async (env: Record<string, string>, thread: 'worker' | 'main'): Promise<string> => {
    const stdout = new FakeTty(80, 30);
    const io = {
      stdout,
      stderr: new FakeTty(),
      env,
      cwd: process.cwd(),
      interrupt: new AbortController().signal,
    };
    await startDashboard({
      view: f.staticView(s),
      io,
      title: 't',
      onQuit: () => undefined,
      thread,
    }).stop();
    return stdout.writes.join('');
  };
  // The drawer thread gets its colour setting from this thread's io.env, like the main-thread drawing.
  const colored = await draw({}, 'worker');
  const plain = await draw({ NO_COLOR: '1' }, 'main');
  assert.ok(colored.includes(`${ESC}[31m`), 'red without NO_COLOR');
  assert.match(plain, /exited 137/);
  assert.ok(!SGR.test(plain), 'no colour or style codes under NO_COLOR');
});
