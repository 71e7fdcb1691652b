import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { wakeAtClock } from '../../../src/cluster/local/wake-at.js';

// A timer counts whole milliseconds (its start and its duration truncated), so it can fire up to about
// a millisecond before a deadline on a µs clock; the blue-green runner then never scaled down (a hang).
test('wakeAtClock calls back only once the µs clock has reached each deadline', async () => {
  const nowMs = (): number => performance.now();
  const timers = new Set<NodeJS.Timeout>();
  const early: string[] = [];
  await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      new Promise<void>((resolve) => {
        // Deadlines at every fraction of a millisecond, set at every fraction of one too.
        setTimeout(() => {
          const atMs = nowMs() + 3 + (i % 10) / 10;
          wakeAtClock(nowMs, atMs, () => {
            const late = nowMs() - atMs;
            if (late < 0) early.push(late.toFixed(3));
            resolve();
          }, timers);
        }, i % 7);
      }),
    ),
  );
  assert.deepEqual(early, [], `called back before the deadline by (ms): ${early.join(', ')}`);
  assert.equal(timers.size, 0, 'no timer left');
});
