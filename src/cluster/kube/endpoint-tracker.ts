import type { ClusterEvent } from '../../results/events.js';

/** EndpointSliceLike is the part of an EndpointSlice the driver reads. */
export interface EndpointSliceLike {
  metadata?: { name?: string; uid?: string; resourceVersion?: string };
  endpoints?: Array<{
    addresses?: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    targetRef?: { kind?: string; name?: string; uid?: string };
  }>;
}

interface EndpointState {
  pod: string;
  /** uid of the pod behind it, from the slice's targetRef, where it says. */
  uid?: string;
  ready: boolean;
  terminating: boolean;
}

/** EndpointTracker turns EndpointSlice changes into per-pod endpoint events. */
export interface EndpointTracker {
  upsert(slice: EndpointSliceLike): void;
  remove(slice: EndpointSliceLike): void;
  sync(slices: EndpointSliceLike[]): void;
  /** readyCount is how many pods are ready endpoints of the Service right now. */
  readyCount(): number;
}

/**
 * createEndpointTracker folds every slice of one Service into "pod → endpoint
 * state" and emits a ClusterEvent when a pod's endpoint joins, stops being ready
 * (terminating or not) or leaves. Slices carry no per-endpoint time, so every
 * event is stamped with when rollcheck saw it.
 */
export function createEndpointTracker(options: { nowMs(): number; emit(e: ClusterEvent): void }): EndpointTracker {
  const slices = new Map<string, EndpointSliceLike>();
  let current = new Map<string, EndpointState>();

  const recompute = (): void => {
    const next = new Map<string, EndpointState>();
    for (const slice of slices.values()) {
      for (const ep of slice.endpoints ?? []) {
        const pod = ep.targetRef?.kind === 'Pod' || !ep.targetRef?.kind ? ep.targetRef?.name : undefined;
        if (!pod) continue;
        // Keyed by the pod's UID where the slice names it: a StatefulSet's replacement reuses the name.
        const uid = ep.targetRef?.uid;
        const key = uid ?? pod;
        const prev = next.get(key);
        // A nil ready condition means ready (discovery.k8s.io/v1 docs).
        const ready = ep.conditions?.ready !== false;
        const terminating = ep.conditions?.terminating === true;
        next.set(key, { pod, ...(uid ? { uid } : {}), ready: ready || (prev?.ready ?? false), terminating: terminating || (prev?.terminating ?? false) });
      }
    }
    const atMs = options.nowMs();
    const ids = (s: EndpointState): { pod: string; podUid?: string } => (s.uid ? { pod: s.pod, podUid: s.uid } : { pod: s.pod });
    for (const [key, now] of next) {
      const before = current.get(key);
      const pod = ids(now);
      if (now.ready && !before?.ready) options.emit({ kind: 'endpoint-added', ...pod, atMs });
      else if (!now.ready && before?.ready) options.emit({ kind: 'endpoint-not-ready', ...pod, atMs, terminating: now.terminating });
      else if (!now.ready && before && !before.terminating && now.terminating) {
        options.emit({ kind: 'endpoint-not-ready', ...pod, atMs, terminating: true });
      }
    }
    for (const [key, was] of current) {
      if (!next.has(key)) options.emit({ kind: 'endpoint-removed', ...ids(was), atMs });
    }
    current = next;
  };

  const key = (s: EndpointSliceLike): string => s.metadata?.name ?? s.metadata?.uid ?? '';
  return {
    upsert(slice) {
      slices.set(key(slice), slice);
      recompute();
    },
    remove(slice) {
      slices.delete(key(slice));
      recompute();
    },
    sync(list) {
      slices.clear();
      for (const s of list) slices.set(key(s), s);
      recompute();
    },
    readyCount: () => [...current.values()].filter((s) => s.ready).length,
  };
}
