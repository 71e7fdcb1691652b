// cluster/kube owns the Kubernetes driver: kubeconfig loading, pre-flight checks,
// rollout triggers and the watches that turn API objects into ClusterEvents;
// what is rolled is a workload kind (workloads/: Deployment first), the only
// place that knows a kind's API object. The registry reaches it through
// kube-entry.ts, which loads the rest only when a run needs it.
// It is the only module that imports @kubernetes/client-node; it must not import
// the traffic engine, the recorder, analysis, report or dashboard.
export { createKubeDriver } from './kube-driver.js';
export type { KubeDriver, KubeDriverSettings } from './kube-driver.js';
export { loadKubeAccess } from './kube-config.js';
export type { KubeConfigSettings, KubeAccess } from './kube-config.js';
export { kubeEntry, KUBE_TRAITS } from './kube-entry.js';
export { WORKLOAD_KINDS, workloadKind } from './workloads/kinds.js';
export type { WorkloadKind, WorkloadLike, RolloutState } from './workloads/workload-kind.js';
export { parseTrigger } from './parse-trigger.js';
export { createRunnerJob, RUN_LABEL, type RunnerJob, type RunnerJobSettings } from './runner-job.js';
