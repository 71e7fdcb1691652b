import type { ClusterEvent, RolloutCounts } from '../../results/events.js';
import type { LiveSnapshot } from '../../results/live.js';
import { OUTCOME_KINDS, type FindingId, type MethodTotals, type Phase, type Results, type Totals } from '../../results/types.js';

/** PodState is what the metrics call a pod: the last lifecycle step rollcheck saw of it. */
export type PodState = 'starting' | 'ready' | 'not_ready' | 'terminating' | 'exited';

/** POD_STATES lists every PodState, so that a state with no pod still reads 0. */
export const POD_STATES: readonly PodState[] = ['starting', 'ready', 'not_ready', 'terminating', 'exited'];

/** RunnerFigures is one runner's share and what it sent. */
export interface RunnerFigures {
  runner: string;
  ratePerSec: number;
  sent: number;
  ok: number;
  failed: number;
  lost: boolean;
}

/** MetricFigures is everything the metrics endpoint serves, from the live view during the run or the results after it. */
export interface MetricFigures {
  /** outcomes counts completions by outcome kind and connection use (every kind, zeros included). */
  outcomes: Array<{ outcome: string; connection: 'new' | 'reused'; n: number }>;
  byMethod: Record<string, MethodTotals>;
  sent: number;
  dropped: number;
  queueExpired: number;
  inFlight: number;
  targetRatePerSec: number;
  achievedRatePerSec: number;
  phase: Phase;
  pods: Record<PodState, number>;
  okByPod: Record<string, number>;
  failedByPod: Record<string, number>;
  rollout: { progress?: RolloutCounts; started: number; completed: number; failed: number };
  runners: RunnerFigures[];
  findings: Array<{ id: FindingId; severity: string; failures: number }>;
  /** verdict is known once the run is analysed. */
  verdict?: 'pass' | 'fail' | 'inconclusive';
  finished: boolean;
}

/** figuresFromSnapshot reads the figures of a run still going. */
export function figuresFromSnapshot(s: LiveSnapshot): MetricFigures {
  const last = s.recent[s.recent.length - 1];
  return {
    ...totalsFigures(s.totals),
    inFlight: last?.inFlight ?? 0,
    targetRatePerSec: s.targetRatePerSec,
    phase: s.phase,
    ...eventFigures(s.events),
    okByPod: { ...s.okByPod },
    failedByPod: { ...s.failuresByPod },
    runners: (s.runners ?? []).map((r) => ({ runner: r.name, ratePerSec: r.ratePerSec, sent: r.sent, ok: r.ok, failed: r.failed, lost: r.lost })),
    findings: [],
    finished: s.finished,
  };
}

/** figuresFromResults reads the final figures from the analysed results: the same numbers as the results file. */
export function figuresFromResults(r: Results): MetricFigures {
  const okByPod: Record<string, number> = {};
  for (const i of r.intervals) for (const [pod, n] of Object.entries(i.okByPod)) okByPod[pod] = (okByPod[pod] ?? 0) + n;
  const failedByPod: Record<string, number> = {};
  for (const f of r.failures) if (f.pod !== undefined) failedByPod[f.pod] = (failedByPod[f.pod] ?? 0) + 1;
  const v = r.analysis?.verdict;
  return {
    ...totalsFigures(r.totals),
    inFlight: r.totals.inFlightAtStop,
    targetRatePerSec: r.totals.targetRatePerSec,
    phase: 'stopping',
    ...eventFigures(r.events),
    okByPod,
    failedByPod,
    runners: (r.meta.runners ?? []).map((x) => ({ runner: x.name, ratePerSec: x.ratePerSec, sent: x.sent, ok: x.ok, failed: x.failed, lost: x.status === 'lost' })),
    findings: (r.analysis?.findings ?? []).map((f) => ({ id: f.id, severity: f.severity, failures: f.failures })),
    ...(v ? { verdict: v.pass ? 'pass' : v.inconclusive !== undefined ? 'inconclusive' : 'fail' } : {}),
    finished: true,
  };
}

function totalsFigures(t: Totals): Pick<MetricFigures, 'outcomes' | 'byMethod' | 'sent' | 'dropped' | 'queueExpired' | 'achievedRatePerSec'> {
  const outcomes = (['new', 'reused'] as const).flatMap((connection) =>
    OUTCOME_KINDS.map((outcome) => ({ outcome, connection, n: t.byConn[connection].byKind[outcome] ?? 0 })),
  );
  return {
    outcomes,
    byMethod: { ...(t.byMethod ?? {}) },
    sent: t.sent,
    dropped: t.dropped,
    queueExpired: t.queueExpired ?? 0,
    achievedRatePerSec: t.achievedRatePerSec,
  };
}

function eventFigures(events: readonly ClusterEvent[]): Pick<MetricFigures, 'pods' | 'rollout'> {
  const state = new Map<string, PodState>();
  const rollout: MetricFigures['rollout'] = { started: 0, completed: 0, failed: 0 };
  for (const e of events) {
    switch (e.kind) {
      case 'pod-created':
      case 'pod-started':
        if (!state.has(e.pod) || state.get(e.pod) === 'starting') state.set(e.pod, 'starting');
        break;
      case 'pod-ready':
        if (state.get(e.pod) !== 'terminating' && state.get(e.pod) !== 'exited') state.set(e.pod, 'ready');
        break;
      case 'pod-not-ready':
        if (state.get(e.pod) !== 'terminating' && state.get(e.pod) !== 'exited') state.set(e.pod, 'not_ready');
        break;
      case 'pod-terminating':
      case 'force-deleted':
        if (state.get(e.pod) !== 'exited') state.set(e.pod, 'terminating');
        break;
      case 'exited':
      case 'pod-deleted':
        state.set(e.pod, 'exited');
        break;
      case 'rollout-started':
        rollout.started += 1;
        break;
      case 'rollout-progress':
        rollout.progress = { replicas: e.replicas, updated: e.updated, ready: e.ready, available: e.available };
        break;
      case 'rollout-complete':
        rollout.completed += 1;
        break;
      case 'rollout-failed':
        rollout.failed += 1;
        break;
      default:
        break;
    }
  }
  const pods = Object.fromEntries(POD_STATES.map((s) => [s, 0])) as Record<PodState, number>;
  for (const s of state.values()) pods[s] += 1;
  return { pods, rollout };
}
