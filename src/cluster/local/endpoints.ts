import type { DriverContext } from '../driver.js';
import type { ServiceEndpoint, ServiceProxy } from './service-proxy.js';

/** EndpointPropagator is the EndpointSlice → kube-proxy path: every change reaches the proxy after a delay. */
export interface EndpointPropagator {
  /** ready: the pod passed readiness; the proxy starts sending it new connections after the delay. */
  ready(ep: ServiceEndpoint): void;
  /** notReady: the pod failed readiness, started terminating or died; the proxy drops it after the delay. */
  notReady(pod: string, terminating: boolean, uid?: string): void;
  /** inService tells whether the proxy currently sends new connections to `pod`. */
  inService(pod: string): boolean;
  /** settled resolves once no change is still on its way to the proxy. */
  settled(): Promise<void>;
  /** cancel drops every change still on its way (the run is ending). */
  cancel(): void;
}

/**
 * createEndpointPropagator emits `endpoint-not-ready` at once (the
 * EndpointSlice changes as soon as the pod does) and `endpoint-added` /
 * `endpoint-removed` when the change reaches the proxy, `delayMs` later.
 * Changes reach the proxy in the order they were made.
 */
export function createEndpointPropagator(proxy: ServiceProxy, delayMs: number, ctx: DriverContext): EndpointPropagator {
  const wanted = new Map<string, boolean>();
  const timers = new Set<NodeJS.Timeout>();
  let waiters: Array<() => void> = [];

  const later = (apply: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      apply();
      if (timers.size === 0) {
        for (const w of waiters) w();
        waiters = [];
      }
    }, delayMs);
    timers.add(t);
  };

  return {
    ready(ep) {
      if (wanted.get(ep.pod) === true) return;
      wanted.set(ep.pod, true);
      later(() => {
        if (proxy.endpoints().includes(ep.pod)) return;
        proxy.addEndpoint(ep);
        ctx.emit({ kind: 'endpoint-added', pod: ep.pod, ...(ep.uid ? { podUid: ep.uid } : {}), atMs: ctx.clock.nowMs() });
      });
    },
    notReady(pod, terminating, uid) {
      if (wanted.get(pod) !== true) return;
      wanted.set(pod, false);
      const podUid = uid ? { podUid: uid } : {};
      ctx.emit({ kind: 'endpoint-not-ready', pod, ...podUid, terminating, stillRouted: true, atMs: ctx.clock.nowMs() });
      later(() => {
        if (!proxy.endpoints().includes(pod)) return;
        proxy.removeEndpoint(pod);
        ctx.emit({ kind: 'endpoint-removed', pod, ...podUid, atMs: ctx.clock.nowMs() });
      });
    },
    inService: (pod) => proxy.endpoints().includes(pod),
    settled() {
      return timers.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
    cancel() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const w of waiters) w();
      waiters = [];
    },
  };
}
