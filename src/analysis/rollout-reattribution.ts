// A failure in a blue-green switch that the windows pin on a new pod "not yet
// ready" belongs to an old pod its scale-down was taking down.
import type { Attribution, FailureRecord, FindingId } from '../results/types.js';
import { describeAttribution } from './attribution.js';
import { failureNoun } from './format.js';
import { nearestEvent, type PodIndex } from './pod-time.js';
import { stepAt, type RolloutStepIndex } from './rollout-steps.js';
import { failureAtMs } from './windows.js';

/**
 * scaledDownInstead re-attributes a failure the startup window gave to a new
 * pod of a blue-green rollout after its switch: Argo switches the active
 * selector only once every new pod is available (rollout/bluegreen.go,
 * reconcileBlueGreenReplicaSets and the switch's availability check), so
 * "not ready yet" cannot explain it, while the old pods the scale-down took
 * down were terminating and still routed (the Service proxy and ingresses lag
 * the selector). The failure goes to the nearest such old pod, as a routing
 * race on a new connection (no-prestop-drain) or a reused one (keepalive-reset),
 * which stepCause then calls stable-scaled-down-early. Undefined when that is not
 * the case.
 */
export function scaledDownInstead(f: FailureRecord, a: Attribution, ix: RolloutStepIndex, pods: PodIndex, index: number, withText: boolean): { a: Attribution; cause: FindingId } | undefined {
  if (a.how !== 'startup-window' || a.pod === undefined || ix.steps.length === 0) return undefined;
  const atMs = failureAtMs(f);
  const step = stepAt(ix, atMs);
  if (step?.strategy !== 'blue-green' || (step.action !== 'switch' && step.action !== 'scale-down')) return undefined;
  if (ix.revisionOf.get(a.pod) !== step.canaryRevision) return undefined;
  const old = pods.termWindows.filter((w) => {
    const by = ix.scaledDownBy.get(w.pod);
    return by?.action === 'scale-down' && by.canaryRevision === step.canaryRevision && atMs >= by.atMs && atMs >= w.startMs && atMs <= w.endMs;
  });
  let pick: string | undefined;
  let best = Number.POSITIVE_INFINITY;
  for (const w of old) {
    const e = nearestEvent(pods.eventsByPod.get(w.pod) ?? [], atMs);
    const d = e ? Math.abs(atMs - e.atMs) : Number.POSITIVE_INFINITY;
    if (pick === undefined || d < best) [pick, best] = [w.pod, d];
  }
  if (pick === undefined) return undefined;
  const moved = describeAttribution(pick, 'termination-window', atMs, withText ? failureNoun(f) : '', index, pods, withText);
  if (withText) moved.text += `; not ${a.pod}: the blue-green switch waited for every new pod to be available`;
  return { a: moved, cause: f.reused ? 'keepalive-reset' : 'no-prestop-drain' };
}
