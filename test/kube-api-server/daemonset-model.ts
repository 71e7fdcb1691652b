// The sandbox's DaemonSet `demo`: the object, its pods' labels and owner, and
// its status as the DaemonSet controller writes it
// (kubernetes pkg/controller/daemon/daemon_controller.go, updateDaemonSetStatus):
// desiredNumberScheduled is the nodes that should run a pod (every node: the pods
// tolerate the unschedulable taint, as the controller adds that toleration),
// currentNumberScheduled the nodes running one, updatedNumberScheduled those
// running the update revision, numberReady / numberAvailable the ready ones.
// The pods are the embedded runtime's, one per node (maxSurge 0, maxUnavailable 1:
// the old pod of a node goes before its replacement starts on that node).
import type { KubeObject, KubeStore } from './store.js';
import type { StatefulSetModel } from './statefulset-model.js';

const rfc3339 = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** createDaemonSetModel puts DaemonSet `name` in the store with `template`, for `nodes` nodes, no pods yet. */
export function createDaemonSetModel(store: KubeStore, o: { name: string; namespace: string; labels: Record<string, string>; nodes: number; template: object }): StatefulSetModel {
  const revision = (hash: string): string => `${o.name}-${hash}`;
  store.put('daemonsets', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: o.name, namespace: o.namespace, generation: 1, labels: o.labels, creationTimestamp: rfc3339(), annotations: { 'deprecated.daemonset.template.generation': '1' } },
    spec: {
      selector: { matchLabels: o.labels },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
      template: o.template,
    },
    status: { observedGeneration: 1, desiredNumberScheduled: o.nodes, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: o.nodes },
  });
  let updateRevision = '';
  const ds = (): KubeObject & { status: Record<string, unknown> } => store.get('daemonsets', o.name) as KubeObject & { status: Record<string, unknown> };
  const put = (change: (s: Record<string, unknown>, generation: number) => void): void => {
    const object = ds();
    const before = JSON.stringify(object.status);
    change(object.status, (object.metadata as { generation?: number }).generation ?? 1);
    if (JSON.stringify(object.status) !== before) store.put('daemonsets', object);
  };
  const recount = (s: Record<string, unknown>): void => {
    const pods = store.list('pods').filter((p) => p.metadata.namespace === o.namespace && p.metadata.labels?.['controller-revision-hash'] && !p.metadata.deletionTimestamp);
    const ready = pods.filter((p) => ((p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')).length;
    const updated = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === updateRevision).length;
    Object.assign(s, { currentNumberScheduled: pods.length, numberReady: ready, numberAvailable: ready, numberUnavailable: Math.max(0, o.nodes - ready), updatedNumberScheduled: updated });
  };
  return {
    ensure(hash) {
      updateRevision ||= revision(hash);
      return { name: o.name, uid: ds().metadata.uid ?? '' };
    },
    podLabels: (_pod, hash) => ({ 'controller-revision-hash': revision(hash), 'pod-template-generation': String((ds().metadata as { generation?: number }).generation ?? 1) }),
    startUpdate(hash) {
      updateRevision = revision(hash);
      // One status write with the new generation observed and the counts against the new revision.
      put((s, generation) => {
        s.observedGeneration = generation;
        recount(s);
      });
    },
    sync: () => put(recount),
  };
}
