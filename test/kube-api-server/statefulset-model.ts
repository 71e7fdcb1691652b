// The sandbox's StatefulSet `demo`: the object, its pods' labels and owner, and
// its status as the StatefulSet controller writes it
// (kubernetes pkg/controller/statefulset/stateful_set_control.go, updateStatefulSetStatus):
// replicas, ready, current (at currentRevision) and updated (at updateRevision)
// counted from the pods; currentRevision becomes updateRevision once every
// replica is updated and ready. The pods themselves are the embedded runtime's
// (its `ordinals` mode: same-name replacement, highest ordinal first).
import type { KubeObject, KubeStore } from './store.js';

/** StatefulSetModel is what kube-model.ts asks of a StatefulSet where a Deployment would have ReplicaSets. */
export interface StatefulSetModel {
  /** ensure names the owner of a pod of revision `hash` (the StatefulSet itself); the first revision becomes the current one. */
  ensure(hash: string): { name: string; uid: string };
  /** podLabels are the labels the controller gives pod `pod` of revision `hash`. */
  podLabels(pod: string, hash: string): Record<string, string>;
  /** startUpdate: the controller observed a template change whose pods are revision `hash`. */
  startUpdate(hash: string): void;
  /** sync recomputes the status from the pods (writes only what changed). */
  sync(): void;
}

const rfc3339 = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** createStatefulSetModel puts StatefulSet `name` in the store with `template`, no pods yet. */
export function createStatefulSetModel(
  store: KubeStore,
  o: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    replicas: number;
    template: object;
  },
): StatefulSetModel {
  const revision = (hash: string): string => `${o.name}-${hash}`;
  store.put('statefulsets', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      generation: 1,
      labels: o.labels,
      creationTimestamp: rfc3339(),
    },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: o.labels },
      serviceName: o.name,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      template: o.template,
    },
    status: {
      observedGeneration: 1,
      replicas: 0,
      readyReplicas: 0,
      currentReplicas: 0,
      updatedReplicas: 0,
      availableReplicas: 0,
      currentRevision: '',
      updateRevision: '',
      collisionCount: 0,
    },
  });
  const sts = (): KubeObject & { spec: { replicas: number }; status: Record<string, unknown> } =>
    store.get('statefulsets', o.name) as KubeObject & {
      spec: { replicas: number };
      status: Record<string, unknown>;
    };
  const put = (change: (s: Record<string, unknown>, generation: number) => void): void => {
    const object = sts();
    const before = JSON.stringify(object.status);
    change(object.status, (object.metadata as { generation?: number }).generation ?? 1);
    if (JSON.stringify(object.status) !== before) store.put('statefulsets', object);
  };
  const model: StatefulSetModel = {
    ensure(hash) {
      put((s) => {
        if (!s.updateRevision) s.currentRevision = s.updateRevision = revision(hash);
      });
      return { name: o.name, uid: sts().metadata.uid ?? '' };
    },
    podLabels: (pod, hash) => ({
      'controller-revision-hash': revision(hash),
      'statefulset.kubernetes.io/pod-name': pod,
      'apps.kubernetes.io/pod-index': pod.slice(o.name.length + 1),
    }),
    startUpdate(hash) {
      // One status write, as the controller makes: a watcher must never see the new revision with the old counts.
      put((s, generation) => {
        s.updateRevision = revision(hash);
        s.observedGeneration = generation;
        recount(s);
      });
    },
    sync: () => put(recount),
  };
  function recount(s: Record<string, unknown>): void {
    const pods = store
      .list('pods')
      .filter(
        (p) =>
          p.metadata.namespace === o.namespace &&
          p.metadata.labels?.['statefulset.kubernetes.io/pod-name'],
      );
    const ready = (p: KubeObject): boolean =>
      (
        (p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)
          ?.conditions ?? []
      ).some((c) => c.type === 'Ready' && c.status === 'True');
    const at = (rev: unknown): number =>
      pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === rev).length;
    {
      const wanted = sts().spec.replicas;
      const readyCount = pods.filter(ready).length;
      Object.assign(s, {
        replicas: pods.length,
        readyReplicas: readyCount,
        availableReplicas: readyCount,
        currentReplicas: at(s.currentRevision),
        updatedReplicas: at(s.updateRevision),
      });
      if (
        s.currentRevision !== s.updateRevision &&
        at(s.updateRevision) === wanted &&
        readyCount === wanted &&
        pods.length === wanted
      ) {
        s.currentRevision = s.updateRevision;
        s.currentReplicas = wanted;
      }
    }
  }
  return model;
}
