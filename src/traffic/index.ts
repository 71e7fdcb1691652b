// traffic/ owns the load engine: the open-model scheduler, undici dispatch over
// a keep-alive pool and a fresh-connection pool, outcome classification,
// per-interval aggregation and worker threads. It emits batches, never prints,
// and must not import cluster/, analysis/, report/ or dashboard/ (it knows nothing of pods
// beyond the --pod-header value).
export {
  readTrafficSettings,
  trafficParams,
  type TrafficSettings,
} from './settings.js';
export { createEngine, type TrafficEngine, type EngineOptions, type EngineStop } from './engine.js';
export { createTrafficRunner, type TrafficRunner, type RunnerOptions } from './runner.js';
export { classifyError, statusKind, errorCode } from './classify.js';
export { probe, type ProbeResult } from './probe.js';
export { connectionsNeeded, poolWarning } from './pool-size.js';
