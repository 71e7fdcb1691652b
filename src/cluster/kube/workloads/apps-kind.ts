import { UsageError } from '../../../errors.js';
import type { RolloutCounts } from '../../../results/events.js';
import type { KubeApi } from '../kube-api.js';
import { explainKubeError, statusCodeOf } from '../api-errors.js';
import { imageContainer, templateTriggers, type PatchCall } from './template-trigger.js';
import type { RolloutState, WorkloadKind, WorkloadLike } from './workload-kind.js';

/** AppsKindSpec is what differs between the apps/v1 kinds with an updateStrategy (StatefulSet, DaemonSet): their client calls and status readers. */
export interface AppsKindSpec<W extends WorkloadLike & { spec?: { updateStrategy?: { type?: string } } }> {
  kind: string;
  resource: string;
  read(api: KubeApi, name: string): Promise<unknown>;
  listAll(api: KubeApi, fieldSelector?: string): Promise<{ items: unknown[]; metadata?: { resourceVersion?: string } }>;
  patch: PatchCall;
  state(w: W): RolloutState;
  progress(w: W): RolloutCounts;
  revision(w: W): string;
  describe: WorkloadKind<W>['describe'];
}

/**
 * appsKind builds a WorkloadKind for an apps/v1 kind rolled by its
 * updateStrategy: a missing object lists those there are, an unsettled one is
 * refused, OnDelete is refused (a template change replaces no pod), and
 * triggers patch the template as kubectl does.
 */
export function appsKind<W extends WorkloadLike & { spec?: { updateStrategy?: { type?: string } } }>(s: AppsKindSpec<W>): WorkloadKind<W> {
  const kind: WorkloadKind<W> = {
    kind: s.kind,
    resource: s.resource,
    async find(api, name) {
      try {
        return (await s.read(api, name)) as W;
      } catch (e) {
        if (statusCodeOf(e) !== 404) throw explainKubeError(e, { verb: 'get', resource: s.resource, name, namespace: api.namespace, server: api.access.server });
      }
      const list = await api.call('list', s.resource, () => s.listAll(api));
      const names = list.items.map((o) => (o as WorkloadLike).metadata?.name ?? '').filter(Boolean);
      throw new UsageError(`${s.kind} "${name}" not found in namespace "${api.namespace}"; ${s.resource} there: ${names.join(', ') || '(none)'} (pick one with --workload ${s.kind}/NAME, or -n NAMESPACE)`);
    },
    collectionPath: (api) => `/apis/apps/v1/namespaces/${api.namespace}/${s.resource}`,
    async list(api, name) {
      const r = await s.listAll(api, `metadata.name=${name}`);
      return { items: r.items as W[], resourceVersion: r.metadata?.resourceVersion ?? '' };
    },
    preflight(w, namespace) {
      const name = w.metadata?.name ?? '';
      const state = s.state(w);
      if (state.state !== 'complete') {
        throw new UsageError(`${s.kind} "${name}" is not settled (${state.message}); wait for \`kubectl rollout status -n ${namespace} ${s.kind}/${name}\`, then retry`);
      }
    },
    describe: s.describe,
    checkTrigger(w, trigger) {
      const name = w.metadata?.name ?? '';
      if (w.spec?.updateStrategy?.type === 'OnDelete') {
        throw new UsageError(`${s.kind} "${name}" has updateStrategy OnDelete: a template change replaces no pod; use --trigger cmd=… that deletes them, or updateStrategy RollingUpdate`);
      }
      if (trigger.kind === 'image') imageContainer(w, s.kind, trigger);
    },
    ...templateTriggers<W>(s.kind, s.resource, s.patch, (w, t) => kind.checkTrigger(w, t)),
    progress: s.progress,
    state: s.state,
    revision: s.revision,
  };
  return kind;
}

/** notRollingUpdate is kubectl's refusal of a rollout status for any updateStrategy but RollingUpdate (null when it is one). */
export function notRollingUpdate(kind: string, w: WorkloadLike & { spec?: { updateStrategy?: { type?: string } } }): RolloutState | null {
  const strategy = w.spec?.updateStrategy?.type ?? 'RollingUpdate';
  if (strategy === 'RollingUpdate') return null;
  return { state: 'failed', message: `rollout status is only available for RollingUpdate strategy type (${kind} "${w.metadata?.name ?? ''}" has ${strategy})` };
}
