/**
 * wakeAtClock calls `onDue` once `nowMs()` (the run clock, µs resolution) has
 * reached `atMs`, never before. A plain timer can fire up to about a
 * millisecond early by that clock: Node and libuv count a timer in whole
 * milliseconds, truncating both its start and its duration. A controller
 * that then sees its deadline not yet passed would wait forever (a
 * blue-green scale-down that never came); this waits on instead. Each timer
 * is kept in `timers` while pending, so the caller can clear them all.
 */
export function wakeAtClock(nowMs: () => number, atMs: number, onDue: () => void, timers: Set<NodeJS.Timeout>): void {
  const t = setTimeout(() => {
    timers.delete(t);
    if (nowMs() < atMs) wakeAtClock(nowMs, atMs, onDue, timers);
    else onDue();
  }, Math.max(0, atMs - nowMs()) + 1);
  timers.add(t);
}
