// The finding kit: what every finding rule (findings-<id>.ts) reads and is
// written with. Rules import this, never each other or the registry (rules.ts).
import type { FailureRecord, Finding, FindingId, KindCounts, Results } from '../results/types.js';
import { FAILURE_KINDS } from '../results/types.js';
import { formatAt, KIND_NOUN } from './format.js';
import type { ProxyView } from './front-door.js';
import type { PodTimeline } from './pod-timeline.js';
import type { PodEnd } from './termination.js';

/** FindingInput is what buildFindings is given: the run, its pods, and each failure's cause. */
export interface FindingInput {
  results: Results;
  timelines: readonly PodTimeline[];
  /** causes[i] is the finding failure i counts towards. */
  causes: ReadonlyArray<FindingId | undefined>;
  /** pods[i] is the pod failure i was attributed to. */
  pods: ReadonlyArray<string | undefined>;
  /** ends is how each pod that ended uncleanly ended (see termination.ts). */
  ends: ReadonlyMap<string, PodEnd>;
  /** ambiguous holds the failures a terminating pod and a starting pod could each explain (no finding claims them). */
  ambiguous?: ReadonlySet<number>;
}

/** RuleInput is what each rule reads: the FindingInput and the run's proxy, read once for all rules. */
export interface RuleInput extends FindingInput {
  proxy: ProxyView;
}

/** FindingRule finds one kind of finding (its id) in a run; rules.ts lists every rule. */
export interface FindingRule {
  id: FindingId;
  /** find builds the finding, or null when the run shows none of it. */
  find(input: RuleInput): Finding | null;
  /** frontDoor: the cause is a proxy's own; the finding tells what the proxy saw, so no proxy evidence is added to it. */
  frontDoor?: true;
  /** hiddenByProxy builds the finding when none of its failures reached the client but a proxy's retries hid some (find found none). */
  hiddenByProxy?(input: RuleInput): Finding | null;
}

/** CauseGroup is the failures of one finding, and the same by pod. */
export interface CauseGroup {
  failures: FailureRecord[];
  byPod: Map<string, FailureRecord[]>;
}

/** group collects the failures counted towards finding `id`, by pod. */
export function group(input: FindingInput, id: FindingId): CauseGroup {
  const failures: FailureRecord[] = [];
  const byPod = new Map<string, FailureRecord[]>();
  input.causes.forEach((c, i) => {
    const f = input.results.failures[i];
    if (c !== id || !f) return;
    failures.push(f);
    const pod = input.pods[i];
    if (pod === undefined) return;
    const list = byPod.get(pod) ?? [];
    list.push(f);
    byPod.set(pod, list);
  });
  return { failures, byPod };
}

/** timelineByPod maps each pod's name to its timeline. */
export function timelineByPod(input: Pick<FindingInput, 'timelines'>): Map<string, PodTimeline> {
  return new Map(input.timelines.map((t) => [t.pod, t]));
}

// Spread arguments overflow the stack past ~100 000 values; a run can have more failures.
/** minOf is the smallest of `xs` (+Infinity when empty). */
export function minOf(xs: readonly number[]): number {
  return xs.reduce((m, x) => (x < m ? x : m), Number.POSITIVE_INFINITY);
}

/** maxOf is the largest of `xs` (-Infinity when empty). */
export function maxOf(xs: readonly number[]): number {
  return xs.reduce((m, x) => (x > m ? x : m), Number.NEGATIVE_INFINITY);
}

/** span words a stretch of time: "at 3.2 s" or "between 3.2 s and 4.1 s". */
export function span(fromMs: number, toMs: number): string {
  return fromMs === toMs ? `at ${formatAt(fromMs)}` : `between ${formatAt(fromMs)} and ${formatAt(toMs)}`;
}

/** kindsText writes "3 reset, 1 refused" for a list of failures. */
export function kindsText(failures: readonly FailureRecord[]): string {
  const counts: KindCounts = {};
  for (const f of failures) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  return FAILURE_KINDS.filter((k) => counts[k])
    .map((k) => `${counts[k]} ${KIND_NOUN[k]}`)
    .join(', ');
}
