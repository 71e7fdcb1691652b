import { abortableSleep } from '../abortable-sleep.js';

/**
 * pollUntil resolves true as soon as `done()` holds (checked at once, then
 * every `everyMs`), false once `leftMs` have passed without it or on abort.
 * Both drivers' drains wait for the evicted pods' replacements with it.
 */
export async function pollUntil(done: () => boolean, o: { everyMs: number; leftMs: number; signal?: AbortSignal }): Promise<boolean> {
  const deadline = performance.now() + o.leftMs;
  for (;;) {
    if (done()) return true;
    const left = deadline - performance.now();
    if (o.signal?.aborted || left <= 0) return false;
    await abortableSleep(Math.min(o.everyMs, left), o.signal);
  }
}
