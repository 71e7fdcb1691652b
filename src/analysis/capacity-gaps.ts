// Capacity gaps: the stretches of a run when fewer pods served than before.
// Two rules read them: no-surge-capacity (a StatefulSet or DaemonSet update
// took one pod out before its replacement was ready, so the others carried
// the load) and node-local-gap (traffic that may only go to one node's pods
// found none there). Both claim the failures that line up with the gaps and
// that no shutdown mechanism already explains.
import type { ClusterEvent } from '../results/events.js';
import { isPodEvent } from '../results/events.js';
import type { FailureRecord, FindingId, Results } from '../results/types.js';
import { failureAtMs } from './windows.js';

/** Gap is one stretch with fewer serving pods than wanted (`node`: on that node, of a node-local Service). */
export interface Gap {
  fromMs: number;
  toMs: number;
  serving: number;
  wanted: number;
  node?: string;
}

interface Span {
  pod: string;
  node?: string;
  fromMs: number;
  toMs: number;
}

/**
 * servingSpans gives each pod's time in the Service: from its endpoint-added
 * until the proxy stopped sending to it (endpoint-removed) or it died,
 * whichever came first. A terminating pod still routed (its preStop) serves.
 */
function servingSpans(events: readonly ClusterEvent[], endMs: number): Span[] {
  const nodes = new Map<string, string>();
  const open = new Map<string, Span>();
  const spans: Span[] = [];
  for (const e of events) {
    if (!isPodEvent(e)) continue;
    if (e.kind === 'pod-created' && e.node) nodes.set(e.pod, e.node);
    if (e.kind === 'endpoint-added' && !open.has(e.pod)) open.set(e.pod, { pod: e.pod, node: nodes.get(e.pod), fromMs: e.atMs, toMs: endMs });
    const span = open.get(e.pod);
    if (span && (e.kind === 'endpoint-removed' || e.kind === 'exited')) {
      span.toMs = e.atMs;
      spans.push(span);
      open.delete(e.pod);
    }
  }
  return [...spans, ...open.values()];
}

const MERGE_MS = 50;

/** below sweeps `spans` over [fromMs, toMs) and returns where fewer than `wanted` overlapped. */
function below(spans: readonly Span[], fromMs: number, toMs: number, wanted: number, node?: string): Gap[] {
  const cuts = [...new Set([fromMs, toMs, ...spans.flatMap((s) => [s.fromMs, s.toMs])])].filter((t) => t >= fromMs && t <= toMs).sort((a, b) => a - b);
  const gaps: Gap[] = [];
  for (let i = 0; i + 1 < cuts.length; i += 1) {
    const a = cuts[i] as number;
    const b = cuts[i + 1] as number;
    const serving = spans.filter((s) => s.fromMs <= a && s.toMs > a).length;
    if (serving >= wanted) continue;
    const last = gaps[gaps.length - 1];
    // Two endpoint changes a moment apart (one pod in, another out) do not end a gap.
    if (last && a - last.toMs <= MERGE_MS) {
      last.toMs = b;
      last.serving = Math.min(last.serving, serving);
    } else gaps.push({ fromMs: a, toMs: b, serving, wanted, ...(node ? { node } : {}) });
  }
  return gaps;
}

function recordedSpan(results: Results): [number, number] {
  return [results.meta.recordedFromMs ?? results.meta.warmupMs, results.meta.recordedToMs ?? results.meta.durationMs];
}

/**
 * rolloutCapacityGaps: the stretches, starting within a rollout
 * (rollout-started to rollout-complete, or the end), with fewer pods in the
 * Service than at its start; a gap lasts until the count is back, which may
 * be after the rollout counted itself complete (endpoints propagate later).
 */
export function rolloutCapacityGaps(results: Results): Gap[] {
  const [, endMs] = recordedSpan(results);
  const spans = servingSpans(results.events, endMs);
  const gaps: Gap[] = [];
  const starts = results.events.filter((e) => e.kind === 'rollout-started');
  for (const start of starts) {
    const done = results.events.find((e) => (e.kind === 'rollout-complete' || e.kind === 'rollout-failed') && e.atMs >= start.atMs);
    const wanted = spans.filter((s) => s.fromMs <= start.atMs && s.toMs > start.atMs).length;
    gaps.push(...below(spans, start.atMs, endMs, wanted).filter((g) => g.fromMs <= (done?.atMs ?? endMs)));
  }
  return gaps;
}

/** nodeLocalGaps: for a node-local Service, the stretches (after its first pod was routed) when no pod on the entry node was. */
export function nodeLocalGaps(results: Results): Gap[] {
  const node = results.meta.cluster?.trafficPolicy?.node;
  if (node === undefined) return [];
  const [fromMs, endMs] = recordedSpan(results);
  const spans = servingSpans(results.events, endMs).filter((s) => s.node === node);
  return below(spans, fromMs, endMs, 1, node);
}

// The causes a failure gets from the pod event nearest to it, which a gap with no pod to answer overrides.
const NEAREST_GUESSES: ReadonlySet<FindingId | undefined> = new Set(['not-ready-traffic', 'no-prestop-drain']);

function unexplained(cause: FindingId | undefined): boolean {
  return cause === undefined || cause === 'unrelated-errors';
}

/** GAP_RULES: a gap explains failures only when at least `minFailures` fell in gaps, at `rateFactor` times the rate outside them. */
export const GAP_RULES = { minFailures: 3, rateFactor: 3 } as const;

/** CAPACITY_KINDS are what too few pods look like: queueing past the timeout, an overloaded app's 503; not a cut connection. */
const capacityKind = (f: FailureRecord): boolean => f.kind === 'timeout' || (f.kind === 'http_5xx' && (f.status === 503 || f.status === undefined));

/**
 * claimGapFailures gives the failures inside gaps, not already explained by a
 * pod's end or a shutdown race (no cause, or unrelated-errors), to
 * node-local-gap (any kind: there was nowhere to send them) or to
 * no-surge-capacity (queueing and 503s only), each when the evidence holds
 * (GAP_RULES). It returns the indices it claimed.
 */
export function claimGapFailures(results: Results, causes: Array<FindingId | undefined>): number[] {
  const claimed: number[] = [];
  const kind = results.meta.cluster?.workload?.kind;
  const plan: Array<[FindingId, Gap[], (f: FailureRecord) => boolean, (f: FailureRecord, i: number) => boolean]> = [
    // No pod answered a new connection in a node-local gap: there was none to answer, whichever pod event was nearest.
    ['node-local-gap', nodeLocalGaps(results), () => true, (f, i) => unexplained(causes[i]) || (f.pod === undefined && !f.reused && NEAREST_GUESSES.has(causes[i]))],
    ['no-surge-capacity', kind === 'statefulset' || kind === 'daemonset' ? rolloutCapacityGaps(results) : [], capacityKind, (_f, i) => unexplained(causes[i])],
  ];
  const [fromMs, toMs] = recordedSpan(results);
  for (const [id, gaps, fits, open0] of plan) {
    if (gaps.length === 0) continue;
    const open = (i: number): boolean => open0(results.failures[i] as FailureRecord, i);
    const inGap = (f: FailureRecord): boolean => gaps.some((g) => failureAtMs(f) >= g.fromMs && failureAtMs(f) <= g.toMs);
    const mine = results.failures.flatMap((f, i) => (open(i) && fits(f) && inGap(f) ? [i] : []));
    const outside = results.failures.filter((f) => fits(f) && !inGap(f)).length;
    const gapMs = gaps.reduce((s, g) => s + (g.toMs - g.fromMs), 0);
    const restMs = Math.max(1, toMs - fromMs - gapMs);
    if (mine.length < GAP_RULES.minFailures || mine.length / Math.max(1, gapMs) < (GAP_RULES.rateFactor * outside) / restMs) continue;
    for (const i of mine) causes[i] = id;
    claimed.push(...mine);
  }
  return claimed;
}
