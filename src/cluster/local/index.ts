// cluster/local owns the embedded runtime: pods as real processes (PID 1 of
// their own PID namespace) or containers, the Service proxy, readiness probes,
// the rolling-update controller and the kubelet's termination sequence. It
// implements the ClusterDriver seam and emits ClusterEvents; it must not import
// traffic/, analysis/, report/, dashboard/ or kube/, and of results/ only the
// clock and the event vocabulary.
export { localEntry, LOCAL_TRAITS } from './local-entry.js';
export { createLocalDriver, type LocalDriver, type LocalDriverExtras } from './local-driver.js';
export { createPodRuntime, demoDir, type PodRuntimeFactoryOptions } from './create-pod-runtime.js';
export type { PodExit, PodHandle, PodRuntime, PodRuntimeKind, PodSignal, PodSpec, PreStopResult } from './pod-runtime.js';
export { createProcessRuntime, type ProcessRuntimeOptions } from './runtime-process.js';
export { createServiceProxy, type ServiceEndpoint, type ServiceProxy } from './service-proxy.js';
export { DEFAULT_LOCAL_SETTINGS, describeApp, localRuntimeParams, type CountOrPercent, type LocalApp, type LocalRuntimeSettings, type PreStopHook } from './settings.js';
export { planRolloutStep, resolveRolloutLimits, type RolloutLimits } from './rollout-math.js';
