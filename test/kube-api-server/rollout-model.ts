// The Argo Rollouts controller's writes, as the API server shows them: the
// embedded runtime runs the strategy (src/cluster/local/progressive-controller.ts,
// which follows argo-rollouts rollout/canary.go and rollout/bluegreen.go) and
// this mirrors each of its steps into the Rollout's status, the active
// Service's selector and the ReplicaSets' scale-down-deadline annotation.
import type { ClusterEvent } from '../../src/results/events.js';
import type { ProgressiveControl } from '../../src/cluster/local/progressive-runner.js';
import type { ReplicaSetOwner } from './replicasets.js';
import type { KubeObject, KubeStore } from './store.js';

/** ROLLOUT_OWNER: a Rollout owns its ReplicaSets, which carry rollouts-pod-template-hash. */
export const ROLLOUT_OWNER: ReplicaSetOwner = { bucket: 'rollouts', apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', hashLabel: 'rollouts-pod-template-hash' };

/** SCALE_DOWN_DEADLINE is the annotation Argo Rollouts puts on a ReplicaSet it will scale down later (v1alpha1.DefaultReplicaSetScaleDownDeadlineAnnotationKey). */
export const SCALE_DOWN_DEADLINE = 'scale-down-deadline';

type Status = Record<string, unknown> & { blueGreen?: Record<string, string>; canary?: Record<string, unknown> };

/** mirrorRollout writes one progressive-rollout step of the embedded runtime into the store (other events: nothing). */
export function mirrorRollout(store: KubeStore, name: string, e: ClusterEvent): void {
  const rollout = store.get('rollouts', name);
  if (!rollout) return;
  const status = (rollout.status ?? {}) as Status;
  const setSelector = (hash: string): void => {
    const svc = store.get('services', name);
    if (!svc) return;
    (svc.spec as { selector: Record<string, string> }).selector = { app: name, 'rollouts-pod-template-hash': hash };
    store.put('services', svc);
    status.blueGreen = { ...(status.blueGreen ?? {}), activeSelector: hash };
  };
  switch (e.kind) {
    case 'rollout-started':
      Object.assign(status, { phase: 'Progressing', currentPodHash: e.revision, currentStepIndex: 0, abort: false });
      status.observedGeneration = String(rollout.metadata.generation ?? 1);
      break;
    case 'rollout-step':
      status.stableRS ??= e.stableRevision;
      if (e.strategy === 'canary') {
        status.currentStepIndex = e.index;
        status.canary = { weights: { canary: { weight: e.weight, podTemplateHash: e.canaryRevision }, stable: { weight: 100 - e.weight, podTemplateHash: e.stableRevision } } };
      }
      if (e.action === 'preview') {
        setSelector(e.stableRevision);
        status.blueGreen = { ...(status.blueGreen ?? {}), previewSelector: e.canaryRevision };
      }
      if (e.action === 'switch') setSelector(e.canaryRevision);
      if (e.action === 'abort') {
        if (e.strategy === 'blue-green') setSelector(e.stableRevision);
        Object.assign(status, { abort: true, abortedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), phase: 'Degraded' });
      }
      if (e.action === 'pause') {
        // Blue-green's pause before the switch (autoPromotionEnabled false) is BlueGreenPause (rollout/bluegreen.go).
        const reason = e.strategy === 'canary' ? 'CanaryPauseStep' : 'BlueGreenPause';
        status.pauseConditions = [{ reason, startTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }];
        Object.assign(status, { phase: 'Paused', controllerPause: true });
      } else {
        delete status.pauseConditions;
        delete status.controllerPause;
        if (e.action !== 'abort') status.phase = 'Progressing';
      }
      break;
    case 'replicaset-scaled': {
      const rs = store.get('replicasets', `${name}-${e.revision}`);
      if (!rs || e.scaleDownAtMs === undefined) break;
      const at = new Date(Date.now() + e.scaleDownAtMs - e.atMs).toISOString().replace(/\.\d+Z$/, 'Z');
      (rs.metadata as { annotations?: Record<string, string> }).annotations = { ...(rs.metadata.annotations as Record<string, string> | undefined), [SCALE_DOWN_DEADLINE]: at };
      store.put('replicasets', rs);
      return;
    }
    case 'rollout-complete':
      Object.assign(status, { phase: 'Healthy', stableRS: e.revision, currentPodHash: e.revision });
      delete status.pauseConditions;
      break;
    default:
      return;
  }
  rollout.status = status;
  store.put('rollouts', rollout as KubeObject);
}

type Spec = { restartAt?: string; paused?: boolean };
type SteerStatus = { abort?: boolean; pauseConditions?: unknown[] | null };

/**
 * steerRollout is the Argo controller's answer to the patches `kubectl argo
 * rollouts` sends (pkg/kubectl-argo-rollouts/cmd/{restart,abort,promote}):
 * spec.restartAt restarts the pods created before it (rollout/restart.go, the
 * runtime's restartPods) and sets status.restartedAt once none is left;
 * status.abort goes back to the stable set; pauseConditions cleared (or
 * spec.paused unset) ends the pause (rollout/pause.go CompletedCanaryPauseStep).
 * True when the patch was one of these.
 */
export function steerRollout(store: KubeStore, local: { progressive(): ProgressiveControl | null }, before: KubeObject, after: KubeObject): boolean {
  const control = local.progressive();
  const bSpec = (before.spec ?? {}) as Spec;
  const aSpec = (after.spec ?? {}) as Spec;
  const bStatus = (before.status ?? {}) as SteerStatus;
  const aStatus = (after.status ?? {}) as SteerStatus;
  const name = after.metadata.name;
  if (aSpec.restartAt !== undefined && aSpec.restartAt !== bSpec.restartAt && control) {
    const restartAt = aSpec.restartAt;
    writeStatus(store, name, (s, r) => (s.observedGeneration = String(r.metadata.generation ?? 1)));
    control.restartPods(() => writeStatus(store, name, (s) => (s.restartedAt = restartAt)));
    return true;
  }
  if (aStatus.abort === true && bStatus.abort !== true) {
    control?.abort();
    return true;
  }
  const cleared = (bStatus.pauseConditions?.length ?? 0) > 0 && (aStatus.pauseConditions?.length ?? 0) === 0;
  if (cleared || (bSpec.paused === true && aSpec.paused !== true)) {
    control?.promote();
    return true;
  }
  return false;
}

function writeStatus(store: KubeStore, name: string, change: (s: Record<string, unknown>, r: KubeObject) => void): void {
  const rollout = store.get('rollouts', name);
  if (!rollout) return;
  const status = (rollout.status ?? {}) as Record<string, unknown>;
  change(status, rollout);
  rollout.status = status;
  store.put('rollouts', rollout);
}
