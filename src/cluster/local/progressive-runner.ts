import type { RolloutStepFields } from '../../results/events.js';
import type { SelectorGate } from './selector-gate.js';

/** SetCounts is one ReplicaSet's pods now: not terminating, ready, available (minReadySeconds passed). */
export interface SetCounts {
  pods: number;
  ready: number;
  available: number;
  /** names of its live pods, newest first. */
  names: string[];
  /** existing counts its terminating pods too: 0 once every pod of the set is gone. */
  existing: number;
}

/** ProgressiveRollout is what a strategy runner sees of one progressive rollout and may do to it. */
export interface ProgressiveRollout {
  readonly canary: string;
  readonly stable: string;
  readonly replicas: number;
  nowMs(): number;
  counts(revision: string): SetCounts;
  /** setTarget sets a ReplicaSet's desired replicas (the controller creates or terminates pods to match); scaleDownAtMs notes a scale-down deadline. */
  setTarget(revision: string, replicas: number, scaleDownAtMs?: number): void;
  target(revision: string): number;
  step(fields: Omit<RolloutStepFields, 'canaryRevision' | 'stableRevision'>): void;
  /** wakeAt reconciles again at `atMs` on the run clock (a pause's end, a scale-down deadline). */
  wakeAt(atMs: number): void;
  note(message: string): void;
  /** finish ends the rollout: `promoted` makes the canary the stable set; an abort leaves the stable one. */
  finish(how: 'promoted' | 'aborted'): void;
  gate: SelectorGate;
}

/** StrategyRunner advances one progressive rollout at each reconcile, as Argo Rollouts' rolloutCanary / rolloutBlueGreen do. */
export interface StrategyRunner {
  advance(r: ProgressiveRollout): void;
  /** promote ends the pause the rollout is in (`kubectl argo rollouts promote`); false when it is in none. */
  promote(r: ProgressiveRollout): boolean;
  /** abort goes back to the stable set from the current step (`kubectl argo rollouts abort`); false when there is nothing to abort. */
  abort(r: ProgressiveRollout): boolean;
}

/** settledAt tells whether a set has exactly `want` pods, all available. */
export function settledAt(c: SetCounts, want: number): boolean {
  return c.pods === want && c.available === want;
}

/**
 * ProgressiveControl is what Argo Rollouts' API asks of a running Rollout's
 * controller: promote a pause, abort back to the stable set, restart the pods
 * older than spec.restartAt (rollout/restart.go). Each says whether it acted.
 */
export interface ProgressiveControl {
  promote(): boolean;
  abort(): boolean;
  /** restartPods replaces every pod created before now, `onDone` once none is left (Argo then sets status.restartedAt). */
  restartPods(onDone: () => void): void;
}
