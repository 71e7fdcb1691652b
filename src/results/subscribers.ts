/**
 * Subscribers tells live listeners that the run changed: at most once per
 * tick, and only when something did, never per request.
 */
export interface Subscribers {
  subscribe(listener: () => void): () => void;
  /** changed notes that the next tick has news. */
  changed(): void;
  /** tick runs `beforeTick`, then tells every listener if anything changed since the last tick. */
  tick(): void;
  /** stop ends the timer (listeners stay: finish's last tick still reaches them). */
  stop(): void;
}

/** createSubscribers ticks every `tickMs` (0: only when `tick()` is called); the timer never keeps the process alive. */
export function createSubscribers(tickMs: number, beforeTick: () => void): Subscribers {
  const listeners = new Set<() => void>();
  let changed = true;
  const tick = (): void => {
    beforeTick();
    if (!changed) return;
    changed = false;
    for (const l of [...listeners]) l();
  };
  const timer = tickMs > 0 ? setInterval(tick, tickMs) : null;
  timer?.unref();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    changed: () => void (changed = true),
    tick,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
