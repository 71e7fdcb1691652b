// Pod incarnations: a StatefulSet replaces `web-2` by a new `web-2` (a new UID),
// so a pod name alone conflates two pods. Events carry `podUid` where the driver
// knows it; here each UID of a name gets an incarnation number in order of first
// appearance, and the second and later ones are named `web-2 (2)`, `web-2 (3)`.
// Everything that keys by pod (timelines, attribution, report lanes, dashboard
// rows) reads the renamed events and so tells them apart without knowing UIDs.
import type { ClusterEvent } from '../results/events.js';
import { isPodEvent } from '../results/events.js';
import type { FailureRecord, Results } from '../results/types.js';
import { failureAtMs } from './windows.js';

/** Incarnation is one pod object: its name, UID (absent in older files), number among its name's pods, label and the times that place it. */
export interface Incarnation {
  name: string;
  uid?: string;
  number: number;
  label: string;
  firstMs: number;
  /** readyMs is when it first turned ready or its endpoint was added (null: never). */
  readyMs: number | null;
}

/** incarnationLabel is how a pod is shown: its name, then ` (n)` from the second incarnation on. */
export function incarnationLabel(name: string, number: number): string {
  return number <= 1 ? name : `${name} (${number})`;
}

/** findIncarnations lists every name's incarnations in order of first appearance (events without a UID join the one alive at their time). */
export function findIncarnations(events: readonly ClusterEvent[]): Map<string, Incarnation[]> {
  const byName = new Map<string, Incarnation[]>();
  for (const e of events) {
    if (!isPodEvent(e) || !e.podUid) continue;
    const list = byName.get(e.pod) ?? [];
    if (!list.some((i) => i.uid === e.podUid)) {
      const number = list.length + 1;
      list.push({ name: e.pod, uid: e.podUid, number, label: incarnationLabel(e.pod, number), firstMs: e.atMs, readyMs: null });
      byName.set(e.pod, list);
    }
  }
  for (const e of events) {
    if (!isPodEvent(e) || (e.kind !== 'pod-ready' && e.kind !== 'endpoint-added')) continue;
    const inc = incarnationOf(byName, e.pod, e.atMs, e.podUid);
    if (inc && inc.readyMs === null) inc.readyMs = e.atMs;
  }
  return byName;
}

/**
 * incarnationOf picks the incarnation a name means at `atMs`: the one with that
 * UID when given; else the latest that existed by then and had turned ready
 * (a pod header came from a pod that answered), else the latest that existed.
 */
export function incarnationOf(byName: Map<string, Incarnation[]>, name: string, atMs: number, uid?: string): Incarnation | undefined {
  const list = byName.get(name);
  if (!list?.length) return undefined;
  if (uid) return list.find((i) => i.uid === uid);
  const born = list.filter((i) => i.firstMs <= atMs);
  if (!born.length) return list[0];
  const ready = born.filter((i) => i.readyMs !== null && i.readyMs <= atMs);
  return (ready.length ? ready : born)[(ready.length ? ready : born).length - 1];
}

/** labelIncarnations returns the events with each pod event's `pod` set to its incarnation's label (the same array when no name has two). */
export function labelIncarnations(events: readonly ClusterEvent[]): readonly ClusterEvent[] {
  const byName = findIncarnations(events);
  if (![...byName.values()].some((l) => l.length > 1)) return events;
  return events.map((e) => {
    if (!isPodEvent(e) || (byName.get(e.pod)?.length ?? 0) < 2) return e;
    const inc = incarnationOf(byName, e.pod, e.atMs, e.podUid);
    return inc && inc.label !== e.pod ? { ...e, pod: inc.label } : e;
  });
}

/** labelFailures names each failure's pod (a pod-header value) by the incarnation alive and answering at the failure's time. */
export function labelFailures(failures: readonly FailureRecord[], byName: Map<string, Incarnation[]>): readonly FailureRecord[] {
  if (![...byName.values()].some((l) => l.length > 1)) return failures;
  return failures.map((f) => {
    if (!f.pod || (byName.get(f.pod)?.length ?? 0) < 2) return f;
    const inc = incarnationOf(byName, f.pod, failureAtMs(f));
    return inc && inc.label !== f.pod ? { ...f, pod: inc.label } : f;
  });
}

const labelled = new WeakMap<Results, Results>();

/** withIncarnations is the results with pods named by incarnation in events and failures (the same object when no name was reused; cached). */
export function withIncarnations(results: Results): Results {
  const hit = labelled.get(results);
  if (hit) return hit;
  const byName = findIncarnations(results.events);
  const out = [...byName.values()].some((l) => l.length > 1)
    ? { ...results, events: labelIncarnations(results.events) as ClusterEvent[], failures: labelFailures(results.failures, byName) as FailureRecord[] }
    : results;
  labelled.set(results, out);
  return out;
}

/** labelAt names a pod-header value by the incarnation alive and answering at `atMs` (the name itself when it was never reused). */
export function labelAt(byName: Map<string, Incarnation[]>, name: string, atMs: number): string {
  if ((byName.get(name)?.length ?? 0) < 2) return name;
  return incarnationOf(byName, name, atMs)?.label ?? name;
}
