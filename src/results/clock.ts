import { performance } from 'node:perf_hooks';

/**
 * Clock is the run clock: `nowMs()` is ms (fractional, µs resolution) since the
 * run's start epoch. It reads `performance.timeOrigin + performance.now()`, so
 * worker threads (whose `performance.now()` has its own origin) agree with the
 * main thread.
 */
export interface Clock {
  readonly startEpochMs: number;
  nowMs(): number;
}

/** epochNowMs is the high-resolution wall clock in ms since 1970, comparable across threads. */
export function epochNowMs(): number {
  return TIME_ORIGIN + performance.now();
}

// Read once per thread: the getter costs measurably on the hot path, and a thread's origin never changes.
const TIME_ORIGIN = performance.timeOrigin;

/** createClock starts a run clock at `startEpochMs` (default: now). */
export function createClock(startEpochMs: number = epochNowMs()): Clock {
  return { startEpochMs, nowMs: () => epochNowMs() - startEpochMs };
}

/** createFixedClock is a clock that reads what the test sets, for deterministic tests. */
export function createFixedClock(
  startEpochMs = 1_700_000_000_000,
): Clock & { set(ms: number): void } {
  let now = 0;
  return { startEpochMs, nowMs: () => now, set: (ms: number) => void (now = ms) };
}
