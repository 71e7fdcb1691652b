import { abortableSleep } from '../../abortable-sleep.js';
import type { DrainInference } from './drain-inference.js';

/**
 * OUTSIDE_DRAIN_QUIET_MS is how long a run watching drains by someone else
 * (`--trigger none`) waits, once a drain's pods are replaced, for the next one:
 * a script draining nodes in turn (`kubectl drain a && kubectl drain b`) or a
 * node-pool upgrade starts the next within moments, usually before the
 * replacements are even ready.
 */
export const OUTSIDE_DRAIN_QUIET_MS = 5000;

/** OutsideDrainEndOptions: the drains seen, how to wait for the workload's replacements, and the quiet spell. */
export interface OutsideDrainEndOptions {
  gate: Pick<DrainInference, 'onOutsideDrainFinished' | 'outsideDrains'>;
  /** waitReplaced resolves true once every evicted pod's replacement is ready (false: not in time, or aborted). */
  waitReplaced(signal: AbortSignal): Promise<boolean>;
  quietMs?: number;
  signal: AbortSignal;
}

/**
 * outsideDrainsSettled resolves once a drain by someone else has finished, its
 * pods' replacements are ready, and a quiet spell (OUTSIDE_DRAIN_QUIET_MS)
 * passed with no other drain by someone else started or still open: drains in
 * a row are watched to the last, a drain already over when the wait began
 * included. It never resolves after `signal` aborts.
 */
export function outsideDrainsSettled(o: OutsideDrainEndOptions): Promise<void> {
  const quietMs = o.quietMs ?? OUTSIDE_DRAIN_QUIET_MS;
  return new Promise<void>((resolve) => {
    const settle = async (): Promise<void> => {
      if (!(await o.waitReplaced(o.signal))) return;
      const seen = o.gate.outsideDrains().started;
      if (!(await abortableSleep(quietMs, o.signal))) return;
      const now = o.gate.outsideDrains();
      // A drain started in the meantime ends the watch by its own finish, not this one's.
      if (now.open === 0 && now.started === seen) resolve();
    };
    o.gate.onOutsideDrainFinished(() => void settle());
    // A drain that began and ended before the wait (during the baseline) counts as well.
    const before = o.gate.outsideDrains();
    if (before.started > 0 && before.open === 0) void settle();
  });
}
