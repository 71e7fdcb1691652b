import { UsageError } from '../../../errors.js';
import { templateOf } from './pod-template.js';
import type { KubeApi } from '../kube-api.js';
import type { WorkloadKind, WorkloadLike, WorkloadTrigger } from './workload-kind.js';

/** STRATEGIC_MERGE is the patch type `kubectl rollout restart` and `kubectl set image` send. */
export const STRATEGIC_MERGE = 'application/strategic-merge-patch+json';

/**
 * templatePatch is the strategic merge patch kubectl sends for a trigger on any
 * kind with a pod template: `rollout restart` sets the template annotation
 * kubectl.kubernetes.io/restartedAt (kubectl pkg/polymorphichelpers/objectrestarter.go,
 * the same for Deployments, StatefulSets and DaemonSets); `set image` names the container.
 */
export function templatePatch(w: WorkloadLike, kind: string, trigger: WorkloadTrigger): { body: object; description: string } {
  if (trigger.kind === 'restart') {
    const annotations = { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() };
    return { body: { spec: { template: { metadata: { annotations } } } }, description: 'restart (kubectl.kubernetes.io/restartedAt)' };
  }
  const container = imageContainer(w, kind, trigger);
  return { body: { spec: { template: { spec: { containers: [{ name: container, image: trigger.image }] } } } }, description: `image ${container}=${trigger.image}` };
}

/** imageContainer is the container an image= trigger changes; an unknown or unnamed one (of several) is a UsageError listing them. */
export function imageContainer(w: WorkloadLike, kind: string, trigger: { container?: string }): string {
  const names = (templateOf(w).containers ?? []).map((c) => c.name ?? '');
  const container = trigger.container ?? (names.length === 1 ? names[0] : undefined);
  if (!container || !names.includes(container)) {
    throw new UsageError(`--trigger image=CONTAINER=IMAGE: name one of the containers of ${kind} "${w.metadata?.name ?? ''}": ${names.join(', ')}`);
  }
  return container;
}

/** PatchCall sends one strategic merge patch of a workload of one kind (its client method). */
export type PatchCall = (api: KubeApi, name: string, body: object, fieldManager?: string) => Promise<unknown>;

/** templateTriggers is `trigger` and `scale` for a kind whose objects are patched like a Deployment (checked first by `check`). */
export function templateTriggers<W extends WorkloadLike>(kind: string, resource: string, patch: PatchCall, check: (w: W, t: WorkloadTrigger) => void): Pick<WorkloadKind<W>, 'trigger' | 'scale'> {
  return {
    async trigger(api, w, trigger) {
      check(w, trigger);
      const name = w.metadata?.name ?? '';
      const { body, description } = templatePatch(w, kind, trigger);
      const patched = (await api.call('patch', resource, () => patch(api, name, body, 'rollcheck'), name)) as WorkloadLike;
      return { generation: patched.metadata?.generation ?? null, description };
    },
    async scale(api, name, replicas) {
      await api.call('patch', resource, () => patch(api, name, { spec: { replicas } }));
    },
  };
}
