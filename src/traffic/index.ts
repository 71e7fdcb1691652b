// traffic/ owns the load engine: the open-model scheduler, HTTP/1.1 dispatch
// (the lean client on net.Socket by default, undici as the reference) over a
// keep-alive pool and a fresh-connection pool, outcome classification,
// per-interval aggregation and worker threads. It emits batches, never prints,
// and must not import cluster/, analysis/, report/ or dashboard/ (it knows nothing of pods
// beyond the --pod-header value).
export {
  addTrafficOptions,
  readTrafficSettings,
  trafficParams,
  type TrafficSettings,
  type TrafficDefaults,
} from './settings.js';
export { createEngine, type TrafficEngine, type EngineOptions, type EngineStop } from './engine.js';
export { createTrafficRunner, type TrafficRunner, type RunnerOptions } from './runner.js';
export { classifyError, statusKind, errorCode } from './classify.js';
export { probe, type ProbeResult } from './probe.js';
