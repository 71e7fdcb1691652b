import type { ClusterEvent } from '../../results/events.js';

/** DrainInference sits in front of the run's event sink: it drops repeats and tells a drain by someone else as one. */
export interface DrainInference {
  emit(e: ClusterEvent): void;
  /** onOutsideDrainFinished calls back each time an inferred drain finishes (the node named). */
  onOutsideDrainFinished(cb: (node: string) => void): void;
  /** outsideDrains counts the drains by someone else seen so far (started) and those not finished yet (open). */
  outsideDrains(): { started: number; open: number };
}

interface OpenDrain {
  evicted: Set<string>;
}

/**
 * createDrainInference passes every event on, but: an eviction is told once per
 * pod UID (the pod watch's DisruptionTarget and a drain's own 201 name the same
 * eviction), a cordon or uncordon once per change (the node watch and the
 * drain's PATCH see the same one). When a cordoned node's pods are evicted and
 * rollcheck is not draining it, that is a drain by someone else (kubectl drain,
 * an autoscaler, a node-pool upgrade): drain-started is emitted, `inferred`, at
 * the first eviction, and drain-finished, `inferred`, once none of the watched
 * pods is left on the node (or the node is uncordoned first: not ok). Only the
 * workload's pods are watched, so `evicted` counts those.
 */
export function createDrainInference(o: { nowMs(): number; emit(e: ClusterEvent): void }): DrainInference {
  const evictedPods = new Set<string>();
  const cordoned = new Set<string>();
  const ownDrains = new Set<string>();
  const outside = new Map<string, OpenDrain>();
  const nodeOfPod = new Map<string, string>();
  const finishedCallbacks: Array<(node: string) => void> = [];
  let outsideStarted = 0;
  const keyOf = (e: { pod: string; podUid?: string }): string => e.podUid ?? e.pod;

  const finish = (node: string, ok: boolean, error?: string): void => {
    const open = outside.get(node);
    if (!open) return;
    outside.delete(node);
    o.emit({ kind: 'drain-finished', atMs: o.nowMs(), node, ok, evicted: open.evicted.size, ...(error ? { error } : {}), inferred: true });
    for (const cb of finishedCallbacks) cb(node);
  };
  const podsLeftOn = (node: string): number => [...nodeOfPod.values()].filter((n) => n === node).length;

  // pass decides whether an event goes on (false: a repeat), keeping the books it needs.
  const pass = (e: ClusterEvent): boolean => {
    switch (e.kind) {
      case 'evicted':
        if (evictedPods.has(keyOf(e))) return false;
        evictedPods.add(keyOf(e));
        if (e.node) nodeOfPod.set(keyOf(e), e.node);
        return true;
      case 'node-cordoned':
        if (cordoned.has(e.node)) return false;
        cordoned.add(e.node);
        return true;
      case 'node-uncordoned':
        if (!cordoned.delete(e.node)) return false;
        return true;
      case 'drain-started':
        if (!e.inferred) ownDrains.add(e.node);
        return true;
      case 'drain-finished':
        if (!e.inferred) ownDrains.delete(e.node);
        return true;
      case 'pod-created':
        if (e.node) nodeOfPod.set(keyOf(e), e.node);
        return true;
      default:
        return true;
    }
  };

  // follow opens and closes the inferred drains after an event went on.
  const follow = (e: ClusterEvent): void => {
    if (e.kind === 'evicted') {
      const node = e.node ?? nodeOfPod.get(keyOf(e));
      if (!node || !cordoned.has(node) || ownDrains.has(node)) return;
      let open = outside.get(node);
      if (!open) {
        open = { evicted: new Set() };
        outside.set(node, open);
        outsideStarted += 1;
        o.emit({ kind: 'drain-started', atMs: e.atMs, node, inferred: true });
      }
      open.evicted.add(keyOf(e));
    } else if (e.kind === 'pod-deleted') {
      const node = nodeOfPod.get(keyOf(e));
      nodeOfPod.delete(keyOf(e));
      if (node && outside.has(node) && podsLeftOn(node) === 0) finish(node, true);
    } else if (e.kind === 'node-uncordoned') {
      finish(e.node, podsLeftOn(e.node) === 0, podsLeftOn(e.node) > 0 ? 'the node was uncordoned with pods still on it' : undefined);
    }
  };

  return {
    emit(e) {
      if (!pass(e)) return;
      o.emit(e);
      follow(e);
    },
    onOutsideDrainFinished: (cb) => void finishedCallbacks.push(cb),
    outsideDrains: () => ({ started: outsideStarted, open: outside.size }),
  };
}
