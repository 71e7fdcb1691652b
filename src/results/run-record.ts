import type { ClusterEvent } from './events.js';
import type { FailureRecord, Phase, PhaseMark, RunMeta } from './types.js';

/**
 * RunRecord is what a run accumulates besides its totals: the kept failures,
 * the cluster events, the phase marks and the meta a driver or the session adds
 * on the way (target, cluster, facts, warnings, notes, pod logs). Plain data, read by
 * the live snapshot and the results assembly.
 */
export interface RunRecord {
  target: string;
  cluster?: RunMeta['cluster'];
  facts: RunMeta['facts'];
  warnings: string[];
  notes: string[];
  podLogs: Record<string, string>;
  phases: PhaseMark[];
  events: ClusterEvent[];
  failures: FailureRecord[];
  /** failuresByPod counts failures by the pod last seen on their connection. */
  failuresByPod: Record<string, number>;
  /** recordFromMs is when counted traffic began (the end of the warm-up). */
  recordFromMs: number;
}

/** createRunRecord starts an empty record for `target`, counting from the end of the warm-up. */
export function createRunRecord(target: string, warmupMs: number): RunRecord {
  return {
    target,
    facts: {},
    warnings: [],
    notes: [],
    podLogs: {},
    phases: [],
    events: [],
    failures: [],
    failuresByPod: {},
    recordFromMs: warmupMs,
  };
}

/** currentPhase is the phase last marked ("warmup" before any). */
export function currentPhase(r: RunRecord): Phase {
  return r.phases[r.phases.length - 1]?.phase ?? 'warmup';
}

/** addFailures keeps each failure and counts it against its pod. */
export function addFailures(r: RunRecord, failures: readonly FailureRecord[]): void {
  for (const f of failures) {
    r.failures.push(f);
    if (f.pod !== undefined) r.failuresByPod[f.pod] = (r.failuresByPod[f.pod] ?? 0) + 1;
  }
}
