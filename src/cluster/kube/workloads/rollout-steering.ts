import { UsageError } from '../../../errors.js';
import type { ClusterEvent } from '../../../results/events.js';
import { explainKubeError, statusCodeOf } from '../api-errors.js';
import type { KubeApi } from '../kube-api.js';
import type { RolloutLike } from './rollout.js';
import type { RolloutOptions } from './rollout-options.js';
import type { RolloutState } from './workload-kind.js';

const GROUP = { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts' };
const MERGE_PATCH = 'application/merge-patch+json';

// The patches of argo-rollouts pkg/kubectl-argo-rollouts/cmd/promote/promote.go
// (getPatches, default case) and cmd/abort/abort.go: to the status subresource,
// to the object itself when the server has none (404), as PromoteRollout and
// AbortRollout fall back.
const CLEAR_PAUSE = { status: { pauseConditions: null } };
const UNPAUSE = { spec: { paused: false } };
const ABORT = { status: { abort: true } };

/** RolloutSteeringOptions: the API, the Rollout's name, what to do (--promote, --abort-at), the clock and the sink. */
export interface RolloutSteeringOptions extends RolloutOptions {
  api: KubeApi;
  name: string;
  nowMs(): number;
  emit(e: ClusterEvent): void;
}

/** RolloutSteering promotes and aborts one Argo Rollout during a run, as `kubectl argo rollouts` would. */
export interface RolloutSteering {
  /** check refuses (UsageError) an --abort-at step the Rollout does not have. */
  check(w: RolloutLike): void;
  /** begin marks the trigger: steering acts on the rollout started from here. */
  begin(): void;
  /** seen is every Rollout object the watch delivers. */
  seen(w: RolloutLike): void;
  /** state judges a rollout this steering aborted (back on the stable set) or is waiting on a manual promote; undefined: the kind's own judgement. */
  state(w: RolloutLike): RolloutState | undefined;
}

/**
 * createRolloutSteering: with `promote: 'auto'`, each indefinite pause (a canary
 * `pause: {}` step, or blue-green's pre-promotion pause without
 * autoPromotionSeconds) is promoted as `kubectl argo rollouts promote` does;
 * timed pauses are left to the controller. With `manual` a pause waits for the
 * user, with a note saying how to promote. `abortAtStep` patches status.abort as
 * `kubectl argo rollouts abort` does when the rollout reaches that step; such a
 * rollout is complete once it is back on the stable ReplicaSet.
 */
export function createRolloutSteering(o: RolloutSteeringOptions): RolloutSteering {
  let active = false;
  let aborted = false;
  const handled = new Set<string>();
  const note = (message: string): void => o.emit({ kind: 'note', message, atMs: o.nowMs() });
  const fail = (what: string) => (e: unknown) => note(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  const promoteHint = `kubectl argo rollouts promote -n ${o.api.namespace} ${o.name}`;

  return {
    check(w) {
      if (o.abortAtStep === undefined) return;
      const steps = w.spec?.strategy?.canary?.steps;
      if (w.spec?.strategy?.blueGreen && o.abortAtStep !== 1 && o.abortAtStep !== 2) {
        throw new UsageError('--abort-at: blue-green aborts at 1 (before the switch) or 2 (after it, before the scale-down)');
      }
      if (!w.spec?.strategy?.blueGreen && (steps === undefined || o.abortAtStep >= steps.length)) {
        throw new UsageError(`--abort-at: rollout "${o.name}" has canary steps 0-${(steps?.length ?? 0) - 1}; use one of them`);
      }
    },
    begin() {
      active = true;
    },
    seen(w) {
      const s = w.status ?? {};
      if (!active || aborted || !s.currentPodHash || s.currentPodHash === s.stableRS) return;
      const at = abortPoint(w);
      if (o.abortAtStep !== undefined && at === o.abortAtStep) {
        aborted = true;
        note(`aborting at step ${at} as \`kubectl argo rollouts abort\` does (--abort-at ${at})`);
        patchStatus(o.api, o.name, ABORT).catch(fail('abort'));
        return;
      }
      const pause = indefinitePause(w);
      if (!pause || handled.has(pause.key)) return;
      handled.add(pause.key);
      if (o.promote === 'manual') {
        note(`${pause.what}: waiting for you to promote it: ${promoteHint} (--promote manual)`);
        return;
      }
      note(`${pause.what}: promoted as \`kubectl argo rollouts promote\` does (--promote auto)`);
      promote(o.api, o.name, w.spec?.paused === true).catch(fail('promote'));
    },
    state(w) {
      const s = w.status ?? {};
      if (aborted && s.abort) {
        const back = (s.updatedReplicas ?? 0) === 0 && (s.availableReplicas ?? 0) >= (w.spec?.replicas ?? 1);
        return back
          ? { state: 'complete', message: `rollout aborted at step ${o.abortAtStep ?? '?'} (--abort-at) and back on the stable ReplicaSet ${s.stableRS ?? ''}` }
          : { state: 'waiting', message: 'rollout aborted (--abort-at): waiting for the stable ReplicaSet to be back at full size' };
      }
      const pause = active && o.promote === 'manual' ? indefinitePause(w) : undefined;
      return pause ? { state: 'waiting', message: `${pause.what}, waiting for a promote nobody sent: ${promoteHint}, or run with --promote auto` } : undefined;
    },
  };
}

/** abortPoint is where --abort-at counts the rollout is: a canary's step index; blue-green 1 while the preview is up before the switch, 2 after the switch. */
function abortPoint(w: RolloutLike): number | undefined {
  const s = w.status ?? {};
  if (!w.spec?.strategy?.blueGreen) return s.currentStepIndex;
  if (s.blueGreen?.activeSelector === s.currentPodHash) return 2;
  return s.blueGreen?.previewSelector === s.currentPodHash ? 1 : undefined;
}

/** indefinitePause is the pause the rollout waits in that only a promote ends (undefined: none, or a timed one). */
function indefinitePause(w: RolloutLike): { key: string; what: string } | undefined {
  const s = w.status ?? {};
  const reasons = (s.pauseConditions ?? []).map((c) => c.reason ?? '');
  const key = (step: string): string => `${s.currentPodHash ?? ''}/${step}`;
  if (reasons.includes('CanaryPauseStep')) {
    const i = s.currentStepIndex ?? -1;
    const step = w.spec?.strategy?.canary?.steps?.[i];
    if (step?.pause && step.pause.duration === undefined) return { key: key(String(i)), what: `rollout ${w.metadata?.name ?? ''} paused at canary step ${i} (pause until promoted)` };
  }
  const bg = w.spec?.strategy?.blueGreen;
  if (reasons.includes('BlueGreenPause') && bg?.autoPromotionSeconds === undefined) {
    return { key: key('blue-green'), what: `rollout ${w.metadata?.name ?? ''} paused before the switch (autoPromotionEnabled false)` };
  }
  return undefined;
}

async function promote(api: KubeApi, name: string, specPaused: boolean): Promise<void> {
  const fellBack = await patchStatus(api, name, CLEAR_PAUSE, { ...UNPAUSE, ...CLEAR_PAUSE });
  if (specPaused && !fellBack) await patchObject(api, name, UNPAUSE);
}

// patchStatus sends a merge patch to rollouts/status; on 404 (no status subresource) `fallback` to the object. True when it fell back.
async function patchStatus(api: KubeApi, name: string, body: object, fallback: object = body): Promise<boolean> {
  try {
    await api.custom.patchNamespacedCustomObjectStatus({ ...GROUP, namespace: api.namespace, name, body, fieldManager: 'rollcheck' }, api.options(MERGE_PATCH));
    return false;
  } catch (e) {
    if (statusCodeOf(e) !== 404) throw explainKubeError(e, { verb: 'patch', resource: 'rollouts/status', name, namespace: api.namespace, server: api.access.server });
  }
  await patchObject(api, name, fallback);
  return true;
}

async function patchObject(api: KubeApi, name: string, body: object): Promise<void> {
  await api.call('patch', 'rollouts', () => api.custom.patchNamespacedCustomObject({ ...GROUP, namespace: api.namespace, name, body, fieldManager: 'rollcheck' }, api.options(MERGE_PATCH)), name);
}
