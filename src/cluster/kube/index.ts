// cluster/kube owns the Kubernetes driver: kubeconfig loading, pre-flight checks,
// rollout triggers and the watches that turn API objects into ClusterEvents.
// It is the only module that imports @kubernetes/client-node; it must not import
// the traffic engine, the recorder, analysis, report or dashboard.
export { createKubeDriver } from './kube-driver.js';
export type { KubeDriver, KubeDriverSettings } from './kube-driver.js';
export { loadKubeAccess } from './kube-config.js';
export type { KubeConfigSettings, KubeAccess } from './kube-config.js';
export { rolloutState, rolloutCounts } from './rollout-status.js';
export { parseTrigger } from './parse-trigger.js';
export { createRunnerJob, RUN_LABEL, type RunnerJob, type RunnerJobSettings } from './runner-job.js';
