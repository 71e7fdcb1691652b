import type { ClusterEvent, RolloutCounts } from '../../results/events.js';

/** RolloutState is the rollout as far as the events tell: not started, progressing, complete or failed. */
export interface RolloutState {
  status: 'none' | 'progressing' | 'complete' | 'failed';
  revision?: string;
  trigger?: string;
  counts?: RolloutCounts;
  reason?: string;
  sinceMs?: number;
  /** step is a progressive rollout's current step (Argo Rollouts canary or blue-green) and the weight it aims at. */
  step?: { strategy: 'canary' | 'blue-green'; index: number; label: string; weight: number };
}

/** rolloutState reads the latest rollout-* events (the newest rollout wins). */
export function rolloutState(events: readonly ClusterEvent[]): RolloutState {
  let state: RolloutState = { status: 'none' };
  const sorted = events
    .filter((e) => e.kind.startsWith('rollout-'))
    .sort((a, b) => a.atMs - b.atMs);
  for (const e of sorted) {
    switch (e.kind) {
      case 'rollout-started':
        state = {
          status: 'progressing',
          revision: e.revision,
          trigger: e.trigger,
          sinceMs: e.atMs,
        };
        break;
      case 'rollout-progress':
        state = {
          ...state,
          counts: {
            replicas: e.replicas,
            updated: e.updated,
            ready: e.ready,
            available: e.available,
          },
        };
        if (state.status === 'none') state.status = 'progressing';
        break;
      case 'rollout-complete':
        state = { ...state, status: 'complete', revision: e.revision };
        break;
      case 'rollout-failed':
        state = { ...state, status: 'failed', reason: e.reason };
        break;
      case 'rollout-step':
        state = { ...state, step: { strategy: e.strategy, index: e.index, label: e.step, weight: e.weight } };
        break;
      default:
        break;
    }
  }
  return state;
}
