import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSubscribers } from '../../src/results/subscribers.js';

// until waits for a condition on a busy machine: timers may run late, never early.
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    assert.ok(Date.now() < deadline, `timed out waiting: ${what}`);
    await sleep(5);
  }
}

test('subscribers: the timer tells listeners once per change, never for an idle tick, and stops', async () => {
  let before = 0;
  const subs = createSubscribers(10, () => void (before += 1));
  let told = 0;
  const off = subs.subscribe(() => void (told += 1));
  // The first tick always tells (a new listener wants a first frame).
  await until(() => told === 1, 'the first notice');
  const seen = before;
  await until(() => before >= seen + 2, 'two more ticks');
  assert.equal(told, 1, 'idle ticks tell nobody');
  subs.changed();
  subs.changed();
  await until(() => told === 2, 'the notice of the change');
  const after = before;
  await until(() => before >= after + 2, 'two more ticks');
  assert.equal(told, 2, 'two changes between ticks are one notice');
  subs.stop();
  const ticks = before;
  subs.changed();
  await sleep(60);
  assert.equal(before, ticks, 'no tick after stop');
  assert.equal(told, 2);
  subs.tick();
  assert.equal(told, 3, 'an explicit tick still tells after stop (finish relies on it)');
  off();
  subs.changed();
  subs.tick();
  assert.equal(told, 3, 'an unsubscribed listener is not told');
});
