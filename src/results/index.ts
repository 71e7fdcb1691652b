// results/ owns the results model (rollcheck.results/v1), its JSON schema and
// validation, file I/O, the recorder (traffic + cluster events → Results and
// the live view) and the one histogram factory. It must not import traffic/,
// cluster/ implementations, analysis/, report/ or dashboard/.
export * from './types.js';
export * from './partial.js';
export {
  createRecorder,
  type Recorder,
  type RecorderOptions,
  type FinishOptions,
} from './recorder.js';
export { createAggregator, type Aggregator } from './aggregator.js';
export { writeResults, loadResults } from './io.js';
export { validateResults, RESULTS_JSON_SCHEMA } from './validate.js';
export type { LiveView, LiveSnapshot } from './live.js';
export { createClock, createFixedClock, epochNowMs, type Clock } from './clock.js';
