import type { RunnerLive } from '../results/live.js';
import type { RunnerRecord, RunnerSpec } from '../traffic/runner-protocol.js';
import { INTERVAL_MS, type RunnerSummary } from '../results/types.js';
import type { RunnerChannel } from './runner-fleet.js';

/** RunnerState is what the fleet knows of one runner: its spec, records so far, accounting, loss and clock bounds. */
export interface RunnerState {
  spec: RunnerSpec;
  channel?: RunnerChannel;
  hello: boolean;
  started: boolean;
  helloAt?: number;
  final?: Extract<RunnerRecord, { type: 'final' }>;
  lost?: { fromMs: number; reason: string };
  closedBeforeMs: number;
  counts: { sent: number; ok: number; failed: number };
  /** sentByInterval holds the last second's sends, for the live rate. */
  sentByInterval: Map<number, number>;
  /** offsetLowMs: max over records of (runner stamp − receive time) ≤ the true offset. */
  offsetLowMs: number;
  offsetHighMs: number;
  done: Promise<void>;
}

/** newRunnerState is a runner not yet heard from. */
export function newRunnerState(spec: RunnerSpec): RunnerState {
  return {
    spec,
    hello: false,
    started: false,
    closedBeforeMs: 0,
    counts: { sent: 0, ok: 0, failed: 0 },
    sentByInterval: new Map(),
    offsetLowMs: -Infinity,
    offsetHighMs: Infinity,
    done: Promise.resolve(),
  };
}

// The live rate is over the last second of closed intervals.
export const LIVE_INTERVALS = 1000 / INTERVAL_MS;

/** live is one runner's row for the dashboard. */
export function live(s: RunnerState): RunnerLive {
  const closed = Math.floor(s.closedBeforeMs / INTERVAL_MS);
  let sent = 0;
  for (const [k, n] of s.sentByInterval) if (k >= closed - LIVE_INTERVALS && k < closed) sent += n;
  return {
    index: s.spec.index,
    name: s.channel?.name ?? `runner ${s.spec.index}`,
    ratePerSec: round(s.spec.settings.ratePerSec),
    sentPerSec: sent,
    ...s.counts,
    lost: s.lost !== undefined,
  };
}

/** summary is one runner as the results record it. */
export function summary(s: RunnerState, method: string): RunnerSummary {
  const low = Number.isFinite(s.offsetLowMs) ? s.offsetLowMs : 0;
  const high = Number.isFinite(s.offsetHighMs) ? Math.max(s.offsetHighMs, low) : low;
  return {
    index: s.spec.index,
    name: s.channel?.name ?? `runner ${s.spec.index}`,
    ratePerSec: round(s.spec.settings.ratePerSec),
    ...s.counts,
    inFlightAtStop: s.counts.sent - s.counts.ok - s.counts.failed,
    status: s.lost ? 'lost' : 'finished',
    ...(s.lost ? { lostFromMs: Math.round(s.lost.fromMs), lostReason: s.lost.reason } : {}),
    clock: { offsetMs: round((low + high) / 2), uncertaintyMs: round((high - low) / 2), method },
  };
}

/** round keeps one decimal. */
export function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** waitFor resolves true once ok(), false after timeoutMs. */
export async function waitFor(ok: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (signal?.aborted) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** race ends a wait early when the launcher reports a problem. */
export function race(p: Promise<boolean>, problem: Promise<never> | undefined): Promise<boolean> {
  return problem ? Promise.race([p, problem]) : p;
}
