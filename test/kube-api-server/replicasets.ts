// The Deployment controller's ReplicaSets, as the API server shows them: one per
// pod-template-hash, owned by the Deployment, numbered by the
// `deployment.kubernetes.io/revision` annotation (which `kubectl rollout
// history` reads), with replica counts that follow the pods.
import type { KubeObject, KubeStore } from './store.js';

/** ReplicaSets keeps the ReplicaSets of one Deployment in step with its pods. */
export interface ReplicaSets {
  /** ensure returns the ReplicaSet for a pod-template-hash, creating it (next revision) from the Deployment's current template. */
  ensure(hash: string): { name: string; uid: string };
  /** sync recomputes every ReplicaSet's replicas from the pods (writes only what changed). */
  sync(): void;
  /** setDesired is a controller's own desired count for a ReplicaSet (an Argo Rollout scales its sets itself); sync keeps it. */
  setDesired(hash: string, replicas: number): void;
}

const rfc3339 = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** ReplicaSetOwner is the kind that owns the ReplicaSets: a Deployment (default) or an Argo Rollout (its own hash label too). */
export interface ReplicaSetOwner {
  bucket: string;
  apiVersion: string;
  kind: string;
  hashLabel?: string;
}

const DEPLOYMENT_OWNER: ReplicaSetOwner = { bucket: 'deployments', apiVersion: 'apps/v1', kind: 'Deployment' };

/** createReplicaSets manages the ReplicaSets of Deployment (or `owner`) `name` in `store`. */
export function createReplicaSets(store: KubeStore, name: string, namespace: string, owner: ReplicaSetOwner = DEPLOYMENT_OWNER): ReplicaSets {
  const deployment = (): KubeObject => store.get(owner.bucket, name) as KubeObject;
  const mine = (): KubeObject[] => store.list('replicasets').filter((r) => r.metadata.namespace === namespace && r.metadata.labels?.app === name);
  const revisionOf = (r: KubeObject): number => Number((r.metadata.annotations as Record<string, string> | undefined)?.['deployment.kubernetes.io/revision'] ?? 0);
  const latest = (): KubeObject | undefined => mine().sort((a, b) => revisionOf(b) - revisionOf(a))[0];
  const desiredOf = new Map<string, number>();

  return {
    ensure(hash) {
      const rsName = `${name}-${hash}`;
      const existing = store.get('replicasets', rsName);
      if (existing) return { name: rsName, uid: existing.metadata.uid ?? '' };
      const d = deployment();
      const revision = Math.max(0, ...mine().map(revisionOf)) + 1;
      const spec = d.spec as { replicas?: number; template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: unknown } };
      const labels = { ...(spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash, ...(owner.hashLabel ? { [owner.hashLabel]: hash } : {}) };
      const replicas = spec.replicas ?? 1;
      const stored = store.put('replicasets', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rsName,
          namespace,
          labels,
          creationTimestamp: rfc3339(),
          generation: 1,
          annotations: {
            'deployment.kubernetes.io/revision': String(revision),
            'deployment.kubernetes.io/desired-replicas': String(replicas),
            'deployment.kubernetes.io/max-replicas': String(replicas + 1),
          },
          ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name, uid: d.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
        },
        spec: {
          replicas: 0,
          selector: { matchLabels: labels },
          template: { metadata: { labels, ...(spec.template.metadata?.annotations ? { annotations: spec.template.metadata.annotations } : {}) }, spec: structuredClone(spec.template.spec) },
        },
        status: { replicas: 0, fullyLabeledReplicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 },
      });
      const dm = d.metadata as { annotations?: Record<string, string> };
      dm.annotations = { ...(dm.annotations ?? {}), 'deployment.kubernetes.io/revision': String(revision) };
      store.put(owner.bucket, d);
      return { name: rsName, uid: stored.metadata.uid ?? '' };
    },
    sync() {
      const pods = store.list('pods').filter((p) => p.metadata.namespace === namespace);
      const newest = latest()?.metadata.name;
      const desired = (deployment().spec as { replicas?: number }).replicas ?? 1;
      for (const rs of mine()) {
        const hash = rs.metadata.labels?.['pod-template-hash'];
        const own = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
        const alive = own.filter((p) => !p.metadata.deletionTimestamp);
        const ready = alive.filter((p) => (p.status as { conditions?: Array<{ type: string; status: string }> }).conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
        const wanted = hash === undefined ? undefined : desiredOf.get(hash);
        const specReplicas = wanted ?? (rs.metadata.name === newest ? Math.min(desired, Math.max(alive.length, (rs.spec as { replicas: number }).replicas)) : alive.length);
        const status = { replicas: alive.length, fullyLabeledReplicas: alive.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: rs.metadata.generation ?? 1 };
        const spec = rs.spec as { replicas: number };
        if (spec.replicas === specReplicas && JSON.stringify(rs.status) === JSON.stringify(status)) continue;
        spec.replicas = specReplicas;
        rs.status = status;
        store.put('replicasets', rs);
      }
    },
    setDesired(hash, replicas) {
      desiredOf.set(hash, replicas);
      this.sync();
    },
  };
}
