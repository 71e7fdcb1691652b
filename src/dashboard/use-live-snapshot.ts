import { useEffect, useRef, useState } from 'react';
import type { LiveSnapshot, LiveView } from '../results/live.js';

/** LiveFrame is what one redraw shows: the latest snapshot and the time to show it at. */
export interface LiveFrame {
  snapshot: LiveSnapshot;
  nowMs: number;
}

/**
 * useLiveSnapshot subscribes to the live view only to learn that something
 * changed, and reads a snapshot on its own fixed tick: the screen redraws at
 * most every `tickMs`, however many requests or events arrive in between.
 * `nowMs` (the run clock) keeps elapsed times moving while nothing changes.
 */
export function useLiveSnapshot(view: LiveView, tickMs: number, nowMs?: () => number): LiveFrame {
  const [frame, setFrame] = useState<LiveFrame>(() => {
    const snapshot = view.snapshot();
    return { snapshot, nowMs: nowMs?.() ?? snapshot.nowMs };
  });
  const latest = useRef(frame);
  useEffect(() => {
    let dirty = true;
    const unsubscribe = view.subscribe(() => {
      dirty = true;
    });
    const timer = setInterval(() => {
      const prev = latest.current;
      const snapshot = dirty ? view.snapshot() : prev.snapshot;
      dirty = false;
      const at = nowMs?.() ?? snapshot.nowMs;
      if (snapshot === prev.snapshot && at === prev.nowMs) return;
      latest.current = { snapshot, nowMs: at };
      setFrame(latest.current);
    }, tickMs);
    // A dashboard left running must not keep the process alive on its own.
    timer.unref();
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }, [view, tickMs, nowMs]);
  return frame;
}
