import { UsageError } from '../../../errors.js';
import type { ClusterEvent, RolloutCounts } from '../../../results/events.js';
import { explainKubeError, statusCodeOf } from '../api-errors.js';
import { describeTemplate } from './pod-template.js';
import type { RolloutState, WorkloadKind, WorkloadLike } from './workload-kind.js';

const GROUP = { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts' };
const MERGE_PATCH = 'application/merge-patch+json';

type CanaryStepSpec = { setWeight?: number; pause?: { duration?: string | number } };

/** RolloutLike is an Argo Rollout (argoproj.io/v1alpha1) as far as rollcheck reads it. */
export interface RolloutLike extends WorkloadLike {
  spec?: WorkloadLike['spec'] & {
    strategy?: { canary?: { steps?: CanaryStepSpec[] }; blueGreen?: { activeService?: string; scaleDownDelaySeconds?: number; autoPromotionEnabled?: boolean } };
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
    blueGreen?: { activeSelector?: string; previewSelector?: string };
    canary?: { weights?: { canary?: { weight?: number } } };
  };
}

/**
 * rolloutKind is an Argo Rollout (argoproj.io/v1alpha1). Its pods carry
 * rollouts-pod-template-hash; its status says the phase (Healthy, Progressing,
 * Paused, Degraded), the current step and the blue-green selectors, which
 * `events` turns into rollout-step events. `restart` changes the pod template's
 * restartedAt annotation with a merge patch (CRDs take no strategic merge): a
 * new revision through the strategy's steps, which is what a release does
 * (`kubectl argo rollouts restart` sets spec.restartAt instead, which restarts
 * pods without the steps).
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
    const strategy = s?.blueGreen ? `blueGreen (scaleDownDelaySeconds ${delay ?? 30})` : `canary (${(s?.canary?.steps ?? []).map(stepLabel).join(', ') || 'no steps'})`;
    return { facts: { replicas: w.spec?.replicas ?? 1, strategy, maxSurge: '25%', maxUnavailable: '25%', ...template.facts }, warnings };
  },
  checkTrigger(w, trigger) {
    if (trigger.kind === 'image') {
      throw new UsageError(`--trigger image=…: for rollout "${w.metadata?.name ?? ''}" use --trigger cmd='kubectl argo rollouts set image …' (rollcheck patches a Rollout's template only to restart it)`);
    }
  },
  async trigger(api, w, trigger) {
    rolloutKind.checkTrigger(w, trigger);
    const name = w.metadata?.name ?? '';
    const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } };
    const patched = (await api.call('patch', 'rollouts', () => api.custom.patchNamespacedCustomObject({ ...GROUP, namespace: api.namespace, name, body, fieldManager: 'rollcheck' }, api.options(MERGE_PATCH)), name)) as RolloutLike;
    return { generation: patched.metadata?.generation ?? null, description: 'restart (a new template revision through the strategy)' };
  },
  progress: (w): RolloutCounts => ({ replicas: w.status?.replicas ?? 0, updated: w.status?.updatedReplicas ?? 0, ready: w.status?.readyReplicas ?? 0, available: w.status?.availableReplicas ?? 0 }),
  state: rolloutState,
  revision: (w) => w.status?.stableRS ?? w.status?.currentPodHash ?? `generation ${w.metadata?.generation ?? 0}`,
  async scale(api, name, replicas) {
    await api.call('patch', 'rollouts', () => api.custom.patchNamespacedCustomObject({ ...GROUP, namespace: api.namespace, name, body: { spec: { replicas } } }, api.options(MERGE_PATCH)));
  },
  events: rolloutStepEvents,
};

/** rolloutState is `kubectl argo rollouts status`: Healthy on the current generation with the stable set the current one is complete; Degraded (an abort) failed. */
export function rolloutState(w: RolloutLike): RolloutState {
  const s = w.status ?? {};
  if (String(s.observedGeneration ?? '') !== String(w.metadata?.generation ?? '')) return { state: 'waiting', message: 'waiting for the rollout spec update to be observed' };
  if (s.phase === 'Degraded' || s.abort) return { state: 'failed', message: `rollout is ${s.abort ? 'aborted' : 'degraded'}${s.message ? `: ${s.message}` : ''}` };
  if (s.phase === 'Healthy' && (s.stableRS === undefined || s.stableRS === s.currentPodHash)) return { state: 'complete', message: 'rollout is Healthy' };
  return { state: 'waiting', message: `rollout is ${s.phase ?? 'Progressing'}${s.currentStepIndex !== undefined ? ` at step ${s.currentStepIndex}` : ''}` };
}

function stepLabel(step: CanaryStepSpec): string {
  if (step.setWeight !== undefined) return `setWeight ${step.setWeight}%`;
  return step.pause?.duration !== undefined ? `pause ${String(step.pause.duration)}` : 'pause (until promoted)';
}

/** rolloutStepEvents turns a Rollout's status changes into rollout-step events: a canary's step index, blue-green's preview and switch. */
export function rolloutStepEvents(before: RolloutLike | null, after: RolloutLike, atMs: number): ClusterEvent[] {
  const b = before?.status ?? {};
  const a = after.status ?? {};
  const canaryRevision = a.currentPodHash ?? '';
  const stableRevision = a.stableRS ?? '';
  if (canaryRevision === '' || canaryRevision === stableRevision) return [];
  const revs = { canaryRevision, stableRevision };
  const out: ClusterEvent[] = [];
  const steps = after.spec?.strategy?.canary?.steps;
  if (steps && a.currentStepIndex !== undefined && (a.currentStepIndex !== b.currentStepIndex || b.currentPodHash !== canaryRevision)) {
    const i = a.currentStepIndex;
    const step = steps[i];
    const weightAt = steps.slice(0, i + 1).reduceRight<number | undefined>((w, s) => w ?? s.setWeight, undefined) ?? 0;
    const weight = a.canary?.weights?.canary?.weight ?? (step === undefined ? 100 : weightAt);
    const action = a.abort ? 'abort' : step === undefined ? 'promote' : step.setWeight !== undefined ? 'set-weight' : 'pause';
    out.push({ kind: 'rollout-step', strategy: 'canary', index: i, step: step === undefined ? 'full promotion (setWeight 100%)' : stepLabel(step), action, weight, ...revs, atMs });
  }
  const bg = a.blueGreen;
  if (after.spec?.strategy?.blueGreen && bg) {
    if (bg.previewSelector === canaryRevision && b.blueGreen?.previewSelector !== canaryRevision && bg.activeSelector !== canaryRevision) {
      out.push({ kind: 'rollout-step', strategy: 'blue-green', index: 0, step: 'preview', action: 'preview', weight: 0, ...revs, atMs });
    }
    if (bg.activeSelector === canaryRevision && b.blueGreen?.activeSelector !== canaryRevision) {
      out.push({ kind: 'rollout-step', strategy: 'blue-green', index: 1, step: 'switch', action: 'switch', weight: 100, ...revs, atMs });
    }
  }
  return out;
}
