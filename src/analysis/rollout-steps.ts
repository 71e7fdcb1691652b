// The steps of a progressive rollout (Argo Rollouts canary or blue-green) as
// the analysis reads them: which step was in effect when, which pods a step
// scaled down, and the causes a step turns a shutdown race into.
import type { ClusterEvent, RolloutStepFields } from '../results/events.js';
import type { FindingId } from '../results/types.js';

/** RolloutStep is one `rollout-step` event: a step's fields and when it began. */
export type RolloutStep = RolloutStepFields & { atMs: number };

/** RolloutStepIndex is a run's rollout steps by time, and the pods each scale-down or abort took down. */
export interface RolloutStepIndex {
  steps: RolloutStep[];
  /** scaledDownBy maps a pod to the scale-down (blue-green) or abort step that terminated it. */
  scaledDownBy: Map<string, RolloutStep>;
  /** revisionOf is each pod's revision (pod-template hash). */
  revisionOf: Map<string, string>;
}

/** createRolloutStepIndex reads a run's `rollout-step` events (empty for a run without a progressive rollout). */
export function createRolloutStepIndex(events: readonly ClusterEvent[]): RolloutStepIndex {
  const steps: RolloutStep[] = [];
  const scaledDownBy = new Map<string, RolloutStep>();
  const revisionOf = new Map<string, string>();
  for (const e of events) {
    if (e.kind === 'pod-created') revisionOf.set(e.pod, e.revision);
    if (e.kind !== 'rollout-step') continue;
    const { kind: _kind, ...fields } = e;
    const step: RolloutStep = fields;
    steps.push(step);
  }
  steps.sort((a, b) => a.atMs - b.atMs);
  for (const step of inferredScaleDowns(events, steps, revisionOf)) steps.push(step);
  steps.sort((a, b) => a.atMs - b.atMs);
  // A pod belongs to the first scale-down or abort that named it.
  for (const step of steps) if (step.action === 'abort' || step.action === 'scale-down') for (const pod of step.pods ?? []) if (!scaledDownBy.has(pod)) scaledDownBy.set(pod, step);
  return { steps, scaledDownBy, revisionOf };
}

/**
 * inferredScaleDowns: a cluster's Rollout status says nothing of blue-green's
 * scale-down. Where the watch of its ReplicaSets saw the old set scaled to 0
 * (replicaset-scaled), that is the scale-down's time; without it, the old set's
 * first pod terminating after the switch. Either way the step names the old
 * set's pods that terminated from then on. An abort seen in the status (no pods
 * named) likewise gets the new set's pods that terminated after it.
 */
const WATCH_ORDER_SLACK_MS = 1000;

function inferredScaleDowns(events: readonly ClusterEvent[], steps: readonly RolloutStep[], revisionOf: ReadonlyMap<string, string>): RolloutStep[] {
  const out: RolloutStep[] = [];
  const endedOf = (revision: string, fromMs: number): Array<{ pod: string; atMs: number }> =>
    events.flatMap((e) => (e.kind === 'pod-terminating' && e.atMs >= fromMs - WATCH_ORDER_SLACK_MS && revisionOf.get(e.pod) === revision ? [{ pod: e.pod, atMs: e.atMs }] : []));
  for (const sw of steps.filter((s) => s.action === 'switch')) {
    if (steps.some((s) => s.action === 'scale-down' && s.canaryRevision === sw.canaryRevision)) continue;
    const scaled = events.find((e) => e.kind === 'replicaset-scaled' && e.revision === sw.stableRevision && e.replicas === 0 && e.atMs >= sw.atMs - WATCH_ORDER_SLACK_MS);
    // Watches of pods and of the Rollout arrive in either order: a termination just before the switch is seen is its scale-down too.
    const ended = endedOf(sw.stableRevision, scaled?.atMs ?? sw.atMs);
    const first = ended[0];
    if (!first && !scaled) continue;
    const atMs = Math.max(scaled?.atMs ?? first?.atMs ?? sw.atMs, sw.atMs);
    const seen = scaled ? 'its ReplicaSet scaled to 0' : 'its first pod terminating';
    out.push({ ...sw, index: 2, step: `scale-down (${Math.round((atMs - sw.atMs) / 100) / 10}s after the switch: ${seen})`, action: 'scale-down', pods: ended.map((e) => e.pod), atMs });
  }
  for (const ab of steps.filter((s) => s.action === 'abort' && s.pods === undefined)) {
    ab.pods = endedOf(ab.canaryRevision, ab.atMs).map((e) => e.pod);
  }
  return out;
}

/** stepAt is the step in effect at `atMs` (the last one begun by then), or undefined before the first. */
export function stepAt(ix: RolloutStepIndex, atMs: number): RolloutStep | undefined {
  let found: RolloutStep | undefined;
  for (const s of ix.steps) {
    if (s.atMs > atMs) break;
    found = s;
  }
  return found;
}

/** switchBefore is the blue-green switch that preceded a scale-down step, if any. */
export function switchBefore(ix: RolloutStepIndex, step: RolloutStep): RolloutStep | undefined {
  return ix.steps.filter((s) => s.action === 'switch' && s.atMs <= step.atMs && s.canaryRevision === step.canaryRevision).at(-1);
}

// The routing races: the pod stopped serving while something still sent it requests.
const ROUTING_RACE: ReadonlySet<FindingId> = new Set(['ingress-lag', 'no-prestop-drain', 'upstream-keepalive-reset']);
const SHUTDOWN_RACE: ReadonlySet<FindingId> = new Set([...ROUTING_RACE, 'keepalive-reset']);
const NOT_READY: ReadonlySet<FindingId> = new Set(['not-ready-traffic', 'no-ready-endpoints']);

/**
 * stepCause turns a failure's cause into its progressive rollout's own where a
 * step explains it: a routing race on an old pod its blue-green scale-down took
 * down is `stable-scaled-down-early` (scaled down before routing had left it);
 * any shutdown race on a pod an abort took down is `abort-drops`; traffic to a
 * new pod not yet ready (or to no ready endpoint) while a weight step or the
 * switch was in effect is `weight-before-ready`. Other causes stay as they are.
 */
export function stepCause(cause: FindingId | undefined, atMs: number, pod: string | undefined, ix: RolloutStepIndex): FindingId | undefined {
  if (cause === undefined || ix.steps.length === 0) return cause;
  const by = pod === undefined ? undefined : ix.scaledDownBy.get(pod);
  if (by && atMs >= by.atMs) {
    if (by.action === 'scale-down' && ROUTING_RACE.has(cause)) return 'stable-scaled-down-early';
    if (by.action === 'abort' && SHUTDOWN_RACE.has(cause)) return 'abort-drops';
  }
  if (NOT_READY.has(cause)) {
    const step = stepAt(ix, atMs);
    const canaryPod = pod === undefined || ix.revisionOf.get(pod) === step?.canaryRevision;
    if (step && (step.action === 'set-weight' || step.action === 'switch' || step.action === 'promote') && canaryPod) return 'weight-before-ready';
  }
  return cause;
}
