// test-lane: alone: timing-sensitive (a 5 ms wheel, deadlines checked to within 60 ms)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { TimerWheel, type Expiring } from '../../src/traffic/timer-wheel.js';

function item(fired: Array<[string, number]>, name: string): Expiring {
  return {
    deadlineMs: 0,
    wheelTick: -1,
    wheelSeen: -1,
    expire: (nowMs) => void fired.push([name, nowMs]),
  };
}

test('timer wheel: never early, about a tick late; re-arming sooner, later, disarming; far deadlines wrap the ring', async () => {
  const now = (): number => performance.now();
  const wheel = new TimerWheel(5, now, 16); // a ring of 80 ms, so 150 ms wraps it
  const fired: Array<[string, number]> = [];
  const t0 = now();
  const due: Record<string, number> = {};
  const arm = (name: string, x: Expiring, afterMs: number): void => {
    due[name] = t0 + afterMs;
    wheel.arm(x, t0 + afterMs);
  };
  const a = item(fired, 'a');
  const b = item(fired, 'b');
  const c = item(fired, 'c');
  const d = item(fired, 'd');
  const e = item(fired, 'e');
  arm('a', a, 30);
  arm('b', b, 200);
  arm('b', b, 20); // sooner: must not wait for its first bucket
  arm('c', c, 10);
  arm('c', c, 60); // later
  arm('d', d, 15);
  wheel.disarm(d);
  arm('e', e, 150); // beyond one turn of the ring
  await new Promise((r) => setTimeout(r, 260));
  wheel.stop();
  assert.deepEqual(fired.map(([n]) => n).sort(), ['a', 'b', 'c', 'e'], 'each once, d never');
  for (const [name, at] of fired) {
    const late = at - (due[name] as number);
    assert.ok(late >= 0, `${name} fired ${-late} ms early`);
    // One tick of lateness by design; the rest is this shared machine's timer jitter.
    assert.ok(late < 60, `${name} fired ${late} ms late`);
  }
});

test('timer wheel: a deadline due in a turn the wheel skipped (a loop stall longer than the ring) still fires, once, and a later one does not fire early', async (t) => {
  let clockMs = 0;
  const wheel = new TimerWheel(5, () => clockMs, 16); // a ring of 80 ms
  const fired: Array<[string, number]> = [];
  const x = item(fired, 'x');
  const y = item(fired, 'y');
  const z = item(fired, 'z');
  t.after(() => wheel.stop()); // a failed assertion must not leave the interval running
  wheel.arm(x, 30);
  wheel.arm(z, 40);
  wheel.arm(z, 10); // sooner: a stale entry stays in the first bucket
  clockMs = 500; // the process stalled for six turns of the ring
  wheel.arm(y, 620);
  await new Promise((r) => setTimeout(r, 40)); // real time for the interval to tick
  assert.deepEqual(fired.sort(), [['x', 500], ['z', 500]], 'both overdue deadlines fire at the first tick after the stall');
  clockMs = 600;
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(fired.length, 2, 'y is not due yet');
  clockMs = 700;
  await new Promise((r) => setTimeout(r, 40));
  wheel.stop();
  assert.deepEqual(fired.map(([n]) => n), ['x', 'z', 'y']);
});
