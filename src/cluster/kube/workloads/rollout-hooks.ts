import type { ClusterEvent } from '../../../results/events.js';
import type { KubeApi } from '../kube-api.js';
import type { RolloutOptions } from './rollout-options.js';
import { createRolloutReplicaSets, type RolloutReplicaSets } from './rollout-replicasets.js';
import { createRolloutSteering, type RolloutSteering } from './rollout-steering.js';
import type { RolloutLike } from './rollout.js';
import type { WorkloadKind, WorkloadLike } from './workload-kind.js';

/** RolloutHooks are what the kube driver adds for an Argo Rollout; for any other kind each is a pass-through. */
export interface RolloutHooks {
  /** judge is the kind with its rollout judged by the steering first (an abort asked for, a manual promote awaited). */
  judge(kind: WorkloadKind): WorkloadKind;
  /**
   * start makes the steering once the API is up (checking --abort-at against
   * the object: UsageError) and gives startKubeWatches its workload callback
   * (`seen`, then the steering) and the ReplicaSet watch's tracker.
   */
  start(api: KubeApi, w: WorkloadLike, seen: (w: WorkloadLike) => void): { onWorkload(w: WorkloadLike): void; replicaSets?: RolloutReplicaSets };
  /** triggered marks the trigger for the steering, then runs it. */
  triggered<T>(trigger: () => T): T;
}

/**
 * createRolloutHooks wires an Argo Rollout's extras into the kube driver: the
 * steering (`--promote`, `--abort-at`, rollout-steering.ts) and the watch of its
 * ReplicaSets (rollout-replicasets.ts). `workload` is the run's; `rollout` its
 * options (absent: promote auto, no abort).
 */
export function createRolloutHooks(
  workload: { kind: string; name: string },
  rollout: RolloutOptions | undefined,
  o: { nowMs(): number; emit(e: ClusterEvent): void; latest(): WorkloadLike | null },
): RolloutHooks {
  const argo = workload.kind === 'rollout';
  let steering: RolloutSteering | null = null;
  return {
    judge: (kind) => (argo ? { ...kind, state: (w) => steering?.state(w as RolloutLike) ?? kind.state(w) } : kind),
    start(api, w, seen) {
      const onWorkload = (x: WorkloadLike): void => {
        seen(x);
        steering?.seen(x as RolloutLike);
      };
      if (!argo) return { onWorkload };
      const { nowMs, emit } = o;
      steering = createRolloutSteering({ api, name: workload.name, promote: 'auto', ...rollout, nowMs, emit });
      steering.check(w as RolloutLike);
      return { onWorkload, replicaSets: createRolloutReplicaSets({ rollout: workload.name, hashes: () => hashesOf(o.latest() as RolloutLike | null), nowMs, emit }) };
    },
    triggered(trigger) {
      steering?.begin();
      return trigger();
    },
  };
}

// hashesOf are an Argo Rollout's stable and current pod-template hashes as its status last said.
function hashesOf(w: RolloutLike | null): { stable?: string; current?: string } {
  return { stable: w?.status?.stableRS, current: w?.status?.currentPodHash };
}
