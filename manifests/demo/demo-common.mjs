// The demo app's settings (from the environment) and the few helpers every
// protocol's server shares. See app.mjs for what each variable does.
import os from 'node:os';
import { performance } from 'node:perf_hooks';

const env = process.env;
const PROTOCOLS = ['http1', 'h2c', 'grpc'];

/** durationMs reads "250", "250ms", "5s" or "1m" as milliseconds (NaN when it is none of them). */
function durationMs(text) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  if (!m) return Number.NaN;
  const unit = m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1;
  return Number(m[1]) * unit;
}

/** config is every DEMO_* knob, read once. */
export const config = {
  host: env.HOST || '0.0.0.0',
  port: Number(env.PORT || 8080),
  podName: env.POD_NAME || os.hostname(),
  protocol: (env.DEMO_PROTOCOL || 'http1').toLowerCase(),
  latencyMs: Number(env.DEMO_LATENCY_MS ?? 50),
  streamMs: Number(env.DEMO_STREAM_MS ?? 0),
  drain: env.DEMO_DRAIN !== '0',
  idleCloseMs: Number(env.DEMO_IDLE_CLOSE_MS ?? 2000),
  drainTimeoutMs: Number(env.DEMO_DRAIN_TIMEOUT_MS ?? 60000),
  coldStartMs: Number(env.DEMO_COLD_START_MS ?? 0),
  maxInflight: Number(env.DEMO_MAX_INFLIGHT ?? 0),
  maxConnectionAgeMs: durationMs(env.DEMO_MAX_CONNECTION_AGE ?? '0'),
  maxConnectionAgeGraceMs: durationMs(env.DEMO_MAX_CONNECTION_AGE_GRACE ?? '0'),
  readyDelayMs: Number(env.DEMO_READY_DELAY_MS ?? 0),
};

/** configError names the first knob that makes no sense, or is null. */
export function configError() {
  if (!PROTOCOLS.includes(config.protocol)) return `DEMO_PROTOCOL=${env.DEMO_PROTOCOL} is not one of ${PROTOCOLS.join(', ')}`;
  if (!(config.maxConnectionAgeMs >= 0)) return `DEMO_MAX_CONNECTION_AGE=${env.DEMO_MAX_CONNECTION_AGE} is not a duration (e.g. 5s or 500ms)`;
  if (!(config.maxConnectionAgeGraceMs >= 0)) return `DEMO_MAX_CONNECTION_AGE_GRACE=${env.DEMO_MAX_CONNECTION_AGE_GRACE} is not a duration`;
  for (const key of ['latencyMs', 'streamMs', 'drainTimeoutMs', 'coldStartMs', 'idleCloseMs', 'maxInflight', 'readyDelayMs']) {
    if (!(config[key] >= 0)) return `${key} must be a number of milliseconds`;
  }
  return null;
}

let listeningAt = performance.now();

/** markListening starts the cold-start clock. */
function markListening() {
  listeningAt = performance.now();
}

/** workMs is how long a request takes before its answer: the latency, plus a tenth of the cold time left. */
export function workMs() {
  return config.latencyMs + Math.max(0, config.coldStartMs - (performance.now() - listeningAt)) / 10;
}

/** epochMs is the wall clock with sub-millisecond precision, for log lines a person lines up with a run. */
export const epochMs = () => (performance.timeOrigin + performance.now()).toFixed(1);

/** log writes one timestamped line naming the pod. */
export const log = (msg) => console.log(`${new Date().toISOString()} ${config.podName} ${msg}`);

/** describe is the listening line's summary of the knobs that shape behaviour. */
export function describe() {
  const parts = [`protocol ${config.protocol}`, `latency ${config.latencyMs}ms`, `drain ${config.drain ? 'on' : 'off'}`];
  if (config.streamMs > 0) parts.push(`streams ${config.streamMs}ms`);
  if (config.coldStartMs > 0) parts.push(`cold start ${config.coldStartMs}ms`);
  if (config.readyDelayMs > 0) parts.push(`listening ${config.readyDelayMs}ms after start`);
  if (config.maxConnectionAgeMs > 0) parts.push(`max connection age ${config.maxConnectionAgeMs}ms`);
  if (config.drainTimeoutMs === 0) parts.push('no drain timeout');
  return parts.join(', ');
}

/** drainState.hardStop is set once the drain timer fired: the exit that follows is 1, whatever closes first. */
export const drainState = { hardStop: false };

/**
 * armDrainTimeout gives up draining after DEMO_DRAIN_TIMEOUT_MS (0: never, the
 * drain waits as long as it takes): `hardStop` cuts what is left, then exit 1.
 */
export function armDrainTimeout(what, hardStop) {
  if (config.drainTimeoutMs === 0) return;
  setTimeout(() => {
    log(`drain timeout after ${config.drainTimeoutMs}ms with ${what()}; hard stop, exiting 1`);
    drainState.hardStop = true;
    hardStop();
    setTimeout(() => process.exit(1), 50);
  }, config.drainTimeoutMs).unref();
}

/**
 * listen starts `server` on HOST:PORT and says so (exit 1 when it cannot),
 * DEMO_READY_DELAY_MS after start: until then every probe, a TCP one too, finds the pod not ready.
 */
export function listen(server) {
  server.on('error', (err) => {
    log(`cannot listen on ${config.host}:${config.port}: ${err.message}`);
    process.exit(1);
  });
  const start = () =>
    server.listen(config.port, config.host, () => {
      markListening();
      log(`listening on ${config.host}:${config.port} (${describe()})`);
    });
  if (config.readyDelayMs > 0) setTimeout(start, config.readyDelayMs);
  else start();
}

/** exitIfDrained exits 0 once nothing is `open` any more (unless the hard stop owns the exit). */
export function exitIfDrained(open, served) {
  if (open > 0 || drainState.hardStop) return;
  log(`drained (${served}); exiting 0 at epochMs=${epochMs()}`);
  process.exit(0);
}

/** onSignals calls `onTerminate(signal)` at SIGTERM and SIGINT. */
export function onSignals(onTerminate) {
  process.on('SIGTERM', () => onTerminate('SIGTERM'));
  process.on('SIGINT', () => onTerminate('SIGINT'));
}
