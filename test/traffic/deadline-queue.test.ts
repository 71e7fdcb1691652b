import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlineQueue, type Deadline } from '../../src/traffic/deadline-queue.js';

// The queue reads this clock; its timer is real (5 ms), so each step waits for ticks to pass, never on speed.
let clockMs = 0;

function item(fired: Array<[string, number]>, name: string, onExpire?: () => void): Deadline {
  return {
    deadlineMs: 0,
    expire: (nowMs) => {
      fired.push([name, nowMs]);
      onExpire?.();
    },
  };
}

/** queueAt is a queue on the test's clock, set to `startMs`, and the list of what expired. */
function queueAt(startMs: number): { q: DeadlineQueue; fired: Array<[string, number]> } {
  clockMs = startMs;
  return { q: new DeadlineQueue(5, () => clockMs), fired: [] };
}

/** ticks waits until the queue's timer has run a few times (real time; the queue's clock does not move). */
const ticks = (): Promise<void> => new Promise((r) => setTimeout(r, 40));

test('deadline queue: never early; due ones fire once, in order, with the time the queue saw; settled ones never fire', async () => {
  const { q, fired } = queueAt(1000);
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => item(fired, n)) as [Deadline, Deadline, Deadline, Deadline];
  q.push(a, 1010);
  q.push(b, 1020);
  q.push(c, 1020);
  q.push(d, 1030);
  q.settle(b);
  await ticks();
  assert.equal(fired.length, 0, 'nothing is due while the clock stands before every deadline');
  clockMs = 1020;
  await ticks();
  assert.deepEqual(fired, [['a', 1020], ['c', 1020]], 'a and c were due; b was settled');
  assert.equal(a.deadlineMs, 0, 'a fired item has no deadline left');
  clockMs = 1100;
  await ticks();
  assert.deepEqual(fired.map(([n]) => n), ['a', 'c', 'd'], 'each fires once');
  assert.equal(q.size, 0);
  q.stop();
});

test('deadline queue: a settled item leaves at once at the head, and within a tick behind a live one', async () => {
  const { q, fired } = queueAt(0);
  const slow = item(fired, 'slow');
  const done = Array.from({ length: 100 }, (_, i) => item(fired, `done-${i}`));
  q.push(slow, 5000);
  for (const x of done) q.push(x, 5000);
  for (const x of done) q.settle(x);
  assert.equal(q.size, 101, 'behind a live head they wait for the next tick');
  await ticks();
  assert.equal(q.size, 1, 'the tick let go of the 100 settled items long before their deadline');
  q.settle(slow);
  assert.equal(q.size, 0, 'the head settled: nothing is held');
  const fresh = item(fired, 'fresh');
  q.push(fresh, 10);
  q.settle(fresh);
  assert.equal(q.size, 0, 'settled at the head: let go of at once');
  await ticks();
  assert.equal(fired.length, 0);
  q.stop();
});

test('deadline queue: an expiry that settles its item and pushes the next one (a freed slot sends a call) is safe', async () => {
  const { q, fired } = queueAt(0);
  const next = item(fired, 'next');
  const first: Deadline = item(fired, 'first', () => {
    q.settle(first);
    q.push(next, 50);
  });
  q.push(first, 10);
  clockMs = 10;
  await ticks();
  assert.deepEqual(fired, [['first', 10]]);
  assert.equal(q.size, 1, 'the pushed one waits for its own deadline');
  clockMs = 50;
  await ticks();
  assert.deepEqual(fired.map(([n]) => n), ['first', 'next']);
  assert.equal(q.size, 0);
  q.stop();
});
