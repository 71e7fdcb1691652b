import type { TrafficBatch } from '../results/partial.js';
import { DEFAULT_PROTOCOL } from './protocol.js';
import { share, type TrafficSettings } from './settings.js';

/**
 * RUNNER_PROTOCOL names the NDJSON stream a `rollcheck runner` writes on stdout.
 * v2: each batch carries the runner's own load and each partial its actual sends
 * and p99 lag. v3 (HTTP/2 and gRPC): a batch carries its connection records
 * (`connections`: records and the fresh connections only counted) and a
 * failure its `streamId`. A coordinator still reads v2 (no connection records:
 * that runner's connections are missing from the results) and v1 (no load
 * either: the run then judges that runner by the merged lag alone) and refuses any other.
 */
export const RUNNER_PROTOCOL = 'rollcheck.runner/v3';

/** RUNNER_PROTOCOLS_READ are the versions a coordinator reads. */
export const RUNNER_PROTOCOLS_READ: readonly string[] = ['rollcheck.runner/v1', 'rollcheck.runner/v2', RUNNER_PROTOCOL];

/** SPEC_ENV is the variable `rollcheck runner` reads its spec from without --spec: a runner Job fills it from a Secret. */
export const SPEC_ENV = 'ROLLCHECK_RUNNER_SPEC';

/**
 * RunnerSpec is everything one runner needs, passed as one JSON argument
 * (`rollcheck runner --spec '…'`) so that a Job's pod template and a local
 * child process run exactly the same command. Times are ms since `epochMs`
 * (the coordinator's run clock) unless named *EpochMs.
 */
export interface RunnerSpec {
  url: string;
  /** settings are this runner's share: its rate, connections and in-flight cap; `workers` is 1. An older coordinator's spec may name no protocol (HTTP/1.1). */
  settings: Omit<TrafficSettings, 'body' | 'protocol'> & { bodyBase64?: string; protocol?: string };
  index: number;
  count: number;
  /** epochMs is the coordinator's run-clock origin: every time the runner reports is on this clock. */
  epochMs: number;
  /** startAtEpochMs is the common start; null: wait for "start <epochMs> <warmupMs>" on stdin. */
  startAtEpochMs: number | null;
  warmupMs: number;
  /** offsetMs interleaves runner i's schedule: i / total rate seconds. */
  offsetMs: number;
  /** lateStartMs: a runner ready this long after the common start (or past the warm-up) refuses to start: its share is lost. */
  lateStartMs: number;
  /** maxRunMs bounds the schedule even if nobody ever stops the runner. */
  maxRunMs: number;
}

/** RunnerRecord is one line of a runner's stdout. `at` is the runner's own wall clock (epoch ms), for the clock offset. */
export type RunnerRecord =
  | { type: 'hello'; protocol: string; at: number; index: number; ratePerSec: number }
  | { type: 'started'; at: number; startAtMs: number; recordFromMs: number; startReceivedAt?: number }
  | { type: 'batch'; at: number; batch: TrafficBatch }
  | {
      type: 'final';
      at: number;
      inFlightAtStop: number;
      scheduleEndMs: number;
      /** totals are what the runner itself counted, to check the coordinator lost no line. */
      totals: { sent: number; ok: number; failed: number };
    }
  | { type: 'error'; at: number; message: string };

/** encodeRunnerRecord is one NDJSON line (with its newline). */
export function encodeRunnerRecord(r: RunnerRecord): string {
  return JSON.stringify(r) + '\n';
}

/** parseRunnerLine reads one line; it throws on anything that is not a record of this protocol. */
export function parseRunnerLine(line: string): RunnerRecord {
  const r = JSON.parse(line) as Partial<RunnerRecord> & { protocol?: unknown };
  if (typeof r !== 'object' || r === null || typeof r.at !== 'number') throw new Error('not a runner record');
  switch (r.type) {
    case 'hello':
      if (typeof r.protocol !== 'string' || !RUNNER_PROTOCOLS_READ.includes(r.protocol)) {
        throw new Error(`runner speaks ${String(r.protocol)}, this coordinator ${RUNNER_PROTOCOL}: use the same rollcheck version (--runner-image)`);
      }
      return r as RunnerRecord;
    case 'started':
    case 'batch':
    case 'final':
    case 'error':
      return r as RunnerRecord;
    default:
      throw new Error(`unknown runner record type ${String(r.type)}`);
  }
}

/** specSettings turns a runner spec's settings back into the engine's, the protocol filled in when the spec names none. */
export function specSettings(spec: RunnerSpec): TrafficSettings {
  const { bodyBase64, protocol, ...rest } = spec.settings;
  return { ...rest, protocol: protocol ?? DEFAULT_PROTOCOL, ...(bodyBase64 === undefined ? {} : { body: Buffer.from(bodyBase64, 'base64') }) };
}

/** runnerShare is runner `index`'s share of a run's traffic settings (rate, connections, in-flight cap). */
export function runnerShare(s: TrafficSettings, index: number, count: number): RunnerSpec['settings'] {
  const { body, ...rest } = s;
  return {
    ...rest,
    ratePerSec: s.ratePerSec / count,
    connections: share(s.connections, count, index),
    maxInFlight: share(s.maxInFlight, count, index),
    workers: 1,
    ...(body === undefined ? {} : { bodyBase64: Buffer.from(body).toString('base64') }),
  };
}

