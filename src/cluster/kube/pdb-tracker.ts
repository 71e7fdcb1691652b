import type { ClusterEvent } from '../../results/events.js';
import type { WatchedObject } from './resource-watch.js';

/** PdbLike is the part of a PodDisruptionBudget the driver reads. */
export interface PdbLike extends WatchedObject {
  metadata?: { name?: string; uid?: string; resourceVersion?: string };
  spec?: { selector?: { matchLabels?: Record<string, string> }; minAvailable?: number | string; maxUnavailable?: number | string };
  status?: { disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number; expectedPods?: number };
}

/** PdbTracker follows the PodDisruptionBudgets that cover the workload's pods. */
export interface PdbTracker {
  sync(items: PdbLike[]): void;
  upsert(pdb: PdbLike): void;
  remove(pdb: PdbLike): void;
  /** covering names the budgets that cover the pods now, in name order. */
  covering(): string[];
  /** listed: the budgets could be read (a forbidden list leaves it false). */
  readonly listed: boolean;
}

/**
 * createPdbTracker emits pdb-status for each budget whose selector matches the
 * pods' labels (the disruption controller's match: every matchLabels pair), at
 * the first sight and at every change of its status numbers.
 */
export function createPdbTracker(o: { podLabels: Record<string, string>; nowMs(): number; emit(e: ClusterEvent): void }): PdbTracker {
  const last = new Map<string, string>();
  let listed = false;
  const covers = (p: PdbLike): boolean => {
    const want = Object.entries(p.spec?.selector?.matchLabels ?? {});
    return want.length > 0 && want.every(([k, v]) => o.podLabels[k] === v);
  };
  const upsert = (p: PdbLike): void => {
    const name = p.metadata?.name;
    if (!name || !covers(p)) return;
    const s = p.status ?? {};
    const numbers = { disruptionsAllowed: s.disruptionsAllowed ?? 0, currentHealthy: s.currentHealthy ?? 0, desiredHealthy: s.desiredHealthy ?? 0, expectedPods: s.expectedPods ?? 0 };
    const key = JSON.stringify(numbers);
    if (last.get(name) === key) return;
    last.set(name, key);
    o.emit({ kind: 'pdb-status', atMs: o.nowMs(), name, ...numbers });
  };
  return {
    sync(items) {
      listed = true;
      items.forEach(upsert);
    },
    get listed() {
      return listed;
    },
    upsert,
    remove: (p) => void last.delete(p.metadata?.name ?? ''),
    covering: () => [...last.keys()].sort(),
  };
}
