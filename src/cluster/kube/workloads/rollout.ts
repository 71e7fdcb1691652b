import { UsageError } from '../../../errors.js';
import type { ClusterEvent, RolloutCounts } from '../../../results/events.js';
import { explainKubeError, statusCodeOf } from '../api-errors.js';
import { describeTemplate, templateOf } from './pod-template.js';
import { imageContainer } from './template-trigger.js';
import type { RolloutState, WorkloadKind, WorkloadLike, WorkloadTrigger } from './workload-kind.js';

const GROUP = { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts' };
const MERGE_PATCH = 'application/merge-patch+json';

type CanaryStepSpec = { setWeight?: number; pause?: { duration?: string | number } };

/** RolloutLike is an Argo Rollout (argoproj.io/v1alpha1) as far as rollcheck reads it. */
export interface RolloutLike extends WorkloadLike {
  spec?: WorkloadLike['spec'] & {
    restartAt?: string;
    strategy?: { canary?: { steps?: CanaryStepSpec[] }; blueGreen?: { activeService?: string; scaleDownDelaySeconds?: number; autoPromotionEnabled?: boolean; autoPromotionSeconds?: number } };
  };
  status?: {
    phase?: string;
    message?: string;
    observedGeneration?: string | number;
    currentPodHash?: string;
    stableRS?: string;
    currentStepIndex?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    abort?: boolean;
    pauseConditions?: Array<{ reason?: string; startTime?: string }> | null;
    restartedAt?: string;
    blueGreen?: { activeSelector?: string; previewSelector?: string };
    canary?: { weights?: { canary?: { weight?: number } } };
  };
}

/**
 * rolloutKind is an Argo Rollout (argoproj.io/v1alpha1). Its pods carry
 * rollouts-pod-template-hash; its status says the phase (Healthy, Progressing,
 * Paused, Degraded), the current step and the blue-green selectors, which
 * `events` turns into rollout-step events. `restart` sets spec.restartAt as
 * `kubectl argo rollouts restart` does (cmd/restart/restart.go): the controller
 * replaces the pods created before it, no steps (rollout/restart.go). `image=`
 * changes one container's image, a new revision through the strategy's steps,
 * as `kubectl argo rollouts set image` does (cmd/set/set_image.go, a Get and an
 * Update of the object; here a merge patch of the containers list, which CRDs
 * take and RBAC's patch grants).
 */
export const rolloutKind: WorkloadKind<RolloutLike> & { events(before: RolloutLike | null, after: RolloutLike, atMs: number): ClusterEvent[] } = {
  kind: 'rollout',
  resource: 'rollouts',
  async find(api, name) {
    try {
      return (await api.custom.getNamespacedCustomObject({ ...GROUP, namespace: api.namespace, name }, api.options())) as RolloutLike;
    } catch (e) {
      if (statusCodeOf(e) !== 404) throw explainKubeError(e, { verb: 'get', resource: 'rollouts', name, namespace: api.namespace, server: api.access.server });
    }
    const list = (await api.call('list', 'rollouts', () => api.custom.listNamespacedCustomObject({ ...GROUP, namespace: api.namespace }, api.options()))) as { items?: RolloutLike[] };
    const names = (list.items ?? []).map((o) => o.metadata?.name ?? '').filter(Boolean);
    throw new UsageError(`rollout "${name}" not found in namespace "${api.namespace}"; rollouts there: ${names.join(', ') || '(none)'} (pick one with --workload rollout/NAME, or -n NAMESPACE)`);
  },
  collectionPath: (api) => `/apis/argoproj.io/v1alpha1/namespaces/${api.namespace}/rollouts`,
  async list(api, name) {
    const r = (await api.custom.listNamespacedCustomObject({ ...GROUP, namespace: api.namespace, fieldSelector: `metadata.name=${name}` }, api.options())) as { items?: RolloutLike[]; metadata?: { resourceVersion?: string } };
    return { items: r.items ?? [], resourceVersion: r.metadata?.resourceVersion ?? '' };
  },
  preflight(w, namespace) {
    const state = rolloutState(w);
    if (state.state !== 'complete') {
      throw new UsageError(`rollout "${w.metadata?.name ?? ''}" is not settled (${state.message}); wait for \`kubectl argo rollouts status -n ${namespace} ${w.metadata?.name ?? ''}\`, then retry`);
    }
  },
  describe(w, appName) {
    const template = describeTemplate(w, appName);
    const s = w.spec?.strategy;
    const warnings = [...template.warnings];
    const delay = s?.blueGreen?.scaleDownDelaySeconds;
    if (s?.blueGreen && delay !== undefined && delay < 5) warnings.push(`blue-green scaleDownDelaySeconds is ${delay}: the old pods go as the selector switches, before ingresses and meshes stop sending to them`);
    const manual = s?.blueGreen?.autoPromotionEnabled === false ? ', autoPromotionEnabled false' : '';
    const strategy = s?.blueGreen ? `blueGreen (scaleDownDelaySeconds ${delay ?? 30}${manual})` : `canary (${(s?.canary?.steps ?? []).map(stepLabel).join(', ') || 'no steps'})`;
    return { facts: { replicas: w.spec?.replicas ?? 1, strategy, maxSurge: '25%', maxUnavailable: '25%', ...template.facts }, warnings };
  },
  checkTrigger(w, trigger) {
    if (trigger.kind === 'image') imageContainer(w, 'rollout', trigger);
  },
  async trigger(api, w, trigger) {
    rolloutKind.checkTrigger(w, trigger);
    const name = w.metadata?.name ?? '';
    const { body, description } = rolloutTriggerPatch(w, trigger);
    const patched = (await api.call('patch', 'rollouts', () => api.custom.patchNamespacedCustomObject({ ...GROUP, namespace: api.namespace, name, body, fieldManager: 'rollcheck' }, api.options(MERGE_PATCH)), name)) as RolloutLike;
    return { generation: patched.metadata?.generation ?? null, description };
  },
  progress: (w): RolloutCounts => ({ replicas: w.status?.replicas ?? 0, updated: w.status?.updatedReplicas ?? 0, ready: w.status?.readyReplicas ?? 0, available: w.status?.availableReplicas ?? 0 }),
  state: rolloutState,
  revision: (w) => w.status?.stableRS ?? w.status?.currentPodHash ?? `generation ${w.metadata?.generation ?? 0}`,
  async scale(api, name, replicas) {
    await api.call('patch', 'rollouts', () => api.custom.patchNamespacedCustomObject({ ...GROUP, namespace: api.namespace, name, body: { spec: { replicas } } }, api.options(MERGE_PATCH)));
  },
  events: rolloutStepEvents,
};

/** rolloutTriggerPatch is the merge patch of a trigger: spec.restartAt (`kubectl argo rollouts restart`) or one container's image (`set image`). */
export function rolloutTriggerPatch(w: RolloutLike, trigger: WorkloadTrigger): { body: object; description: string } {
  if (trigger.kind === 'restart') {
    // RFC 3339 in whole seconds, as restart.go formats it; the controller replaces pods created before it.
    const restartAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return { body: { spec: { restartAt } }, description: `restart (spec.restartAt ${restartAt}, as kubectl argo rollouts restart: pods replaced, no steps)` };
  }
  const container = imageContainer(w, 'rollout', trigger);
  const containers = (templateOf(w).containers ?? []).map((c) => (c.name === container ? { ...c, image: trigger.image } : c));
  return { body: { spec: { template: { spec: { containers } } } }, description: `image ${container}=${trigger.image} (a new revision through the strategy's steps)` };
}

/**
 * rolloutState is `kubectl argo rollouts status`: Healthy on the current
 * generation with the stable set the current one is complete; Degraded (an
 * abort) failed. A restart (spec.restartAt) is done once the controller set
 * status.restartedAt to it (rollout/restart.go SetRestartedAt: every pod newer).
 */
export function rolloutState(w: RolloutLike): RolloutState {
  const s = w.status ?? {};
  if (String(s.observedGeneration ?? '') !== String(w.metadata?.generation ?? '')) return { state: 'waiting', message: 'waiting for the rollout spec update to be observed' };
  if (s.phase === 'Degraded' || s.abort) return { state: 'failed', message: `rollout is ${s.abort ? 'aborted' : 'degraded'}${s.message ? `: ${s.message}` : ''}` };
  const restartAt = w.spec?.restartAt;
  if (restartAt !== undefined && !(Date.parse(s.restartedAt ?? '') >= Date.parse(restartAt))) return { state: 'waiting', message: `restarting the pods created before spec.restartAt ${restartAt}` };
  if (s.phase === 'Healthy' && (s.stableRS === undefined || s.stableRS === s.currentPodHash)) return { state: 'complete', message: 'rollout is Healthy' };
  return { state: 'waiting', message: `rollout is ${s.phase ?? 'Progressing'}${s.currentStepIndex !== undefined ? ` at step ${s.currentStepIndex}` : ''}` };
}

function stepLabel(step: CanaryStepSpec): string {
  if (step.setWeight !== undefined) return `setWeight ${step.setWeight}%`;
  return step.pause?.duration !== undefined ? `pause ${String(step.pause.duration)}` : 'pause (until promoted)';
}

/** rolloutStepEvents turns a Rollout's status changes into rollout-step events: a canary's step index, blue-green's preview, pause (BlueGreenPause) and switch. */
export function rolloutStepEvents(before: RolloutLike | null, after: RolloutLike, atMs: number): ClusterEvent[] {
  const b = before?.status ?? {};
  const a = after.status ?? {};
  const canaryRevision = a.currentPodHash ?? '';
  const stableRevision = a.stableRS ?? '';
  if (canaryRevision === '' || canaryRevision === stableRevision) return [];
  const revs = { canaryRevision, stableRevision };
  const out: ClusterEvent[] = [];
  const steps = after.spec?.strategy?.canary?.steps;
  const bg = a.blueGreen;
  if (a.abort && !b.abort) {
    // status.abort (`kubectl argo rollouts abort`): back to the stable set from where the rollout was.
    const strategy = after.spec?.strategy?.blueGreen ? 'blue-green' : 'canary';
    const index = strategy === 'canary' ? (a.currentStepIndex ?? 0) : bg?.activeSelector === canaryRevision ? 2 : 1;
    return [{ kind: 'rollout-step', strategy, index, step: 'abort', action: 'abort', weight: 0, ...revs, atMs }];
  }
  if (steps && !a.abort && a.currentStepIndex !== undefined && (a.currentStepIndex !== b.currentStepIndex || b.currentPodHash !== canaryRevision)) {
    const last = a.currentStepIndex;
    // Steps the watch never showed (a relist after a lost watch, or two steps in one update): each still
    // began, at an unknown moment before this one; it is recorded here, marked seenLate.
    const sameRevision = b.currentPodHash === canaryRevision && b.currentStepIndex !== undefined;
    const first = sameRevision && (b.currentStepIndex ?? 0) < last ? (b.currentStepIndex ?? 0) + 1 : sameRevision ? last : 0;
    for (let i = first; i <= last; i += 1) {
      const step = steps[i];
      const weightAt = steps.slice(0, i + 1).reduceRight<number | undefined>((w, s) => w ?? s.setWeight, undefined) ?? 0;
      const weight = (i === last ? a.canary?.weights?.canary?.weight : undefined) ?? (step === undefined ? 100 : weightAt);
      const action = step === undefined ? 'promote' : step.setWeight !== undefined ? 'set-weight' : 'pause';
      const label = step === undefined ? 'full promotion (setWeight 100%)' : stepLabel(step);
      out.push({ kind: 'rollout-step', strategy: 'canary', index: i, step: label, action, weight, ...revs, ...(i < last ? { seenLate: true } : {}), atMs });
    }
  }
  if (after.spec?.strategy?.blueGreen && bg) {
    if (bg.previewSelector === canaryRevision && b.blueGreen?.previewSelector !== canaryRevision && bg.activeSelector !== canaryRevision) {
      out.push({ kind: 'rollout-step', strategy: 'blue-green', index: 0, step: 'preview', action: 'preview', weight: 0, ...revs, atMs });
    }
    // autoPromotionEnabled false: the preview is up and the rollout waits for a promote before the switch (BlueGreenPause).
    const paused = (st: typeof a): boolean => (st.pauseConditions ?? []).some((c) => c.reason === 'BlueGreenPause');
    if (paused(a) && !paused(b) && bg.activeSelector !== canaryRevision) {
      out.push({ kind: 'rollout-step', strategy: 'blue-green', index: 0, step: 'pause (until promoted: autoPromotionEnabled false)', action: 'pause', weight: 0, ...revs, atMs });
    }
    if (bg.activeSelector === canaryRevision && b.blueGreen?.activeSelector !== canaryRevision) {
      out.push({ kind: 'rollout-step', strategy: 'blue-green', index: 1, step: 'switch', action: 'switch', weight: 100, ...revs, atMs });
    }
  }
  return out;
}
