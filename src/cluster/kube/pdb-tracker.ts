import type { ClusterEvent } from '../../results/events.js';
import type { WatchedObject } from './resource-watch.js';
import { selectorMatches, type LabelSelector } from '../label-selector.js';

/** PdbLike is the part of a PodDisruptionBudget the driver reads. */
export interface PdbLike extends WatchedObject {
  metadata?: { name?: string; uid?: string; resourceVersion?: string };
  spec?: { selector?: LabelSelector; minAvailable?: number | string; maxUnavailable?: number | string };
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
 * pods' labels (the disruption controller's match: every matchLabels pair and
 * matchExpressions requirement, `selectorMatches`), at
 * the first sight and at every change of its status numbers.
 */
export function createPdbTracker(o: { podLabels: Record<string, string>; nowMs(): number; emit(e: ClusterEvent): void }): PdbTracker {
  const last = new Map<string, string>();
  let listed = false;
  const covers = (p: PdbLike): boolean => selectorMatches(p.spec?.selector, o.podLabels);
  const upsert = (p: PdbLike): void => {
    const name = p.metadata?.name;
    if (!name) return;
    // A budget whose selector was changed to leave the pods no longer covers them.
    if (!covers(p)) return void last.delete(name);
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
