// Rule stable-scaled-down-early: a blue-green rollout scaled the old pods down
// after the switch while a router (the Service proxy, the ingress) still sent
// them requests: scaleDownDelaySeconds shorter than the routing's propagation.
import type { Finding } from '../results/types.js';
import { group, kindsText, maxOf, timelineByPod, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, formatDuration, plural } from './format.js';
import { EXIT_SLACK_MS } from './pod-time.js';
import { ingressRemovedMs } from './front-door.js';
import { createRolloutStepIndex, switchBefore } from './rollout-steps.js';
import { failureAtMs } from './windows.js';

/** stableScaledDownEarly finds failures on old pods that a blue-green scale-down took down while they were still routed. */
export const stableScaledDownEarly: FindingRule = {
  id: 'stable-scaled-down-early',
  find: (input) => find(input),
};

function find(input: RuleInput): Finding | null {
  const g = group(input, 'stable-scaled-down-early');
  if (g.failures.length === 0) return null;
  const steps = createRolloutStepIndex(input.results.events);
  const byName = timelineByPod(input);
  const evidence: string[] = [];
  let neededMs = 0;
  for (const [pod, list] of g.byPod) {
    const step = steps.scaledDownBy.get(pod);
    const sw = step ? switchBefore(steps, step) : undefined;
    const t = byName.get(pod);
    // When routing really left the pod: the ingress's update without it, else the Service proxy's removal.
    const leftMs = (input.proxy.ix.proxy !== null ? ingressRemovedMs(input.proxy.ix, pod) : null) ?? t?.endpointRemovedMs ?? null;
    const parts = [`${pod}: ${plural(list.length, 'request')} failed (${kindsText(list)}) up to ${formatAt(maxOf(list.map(failureAtMs)))}`];
    if (sw && step) parts.push(`the active selector switched at ${formatAt(sw.atMs)} and the old set was scaled down at ${formatAt(step.atMs)} (${formatDuration(step.atMs - sw.atMs)} later)`);
    if (t?.sigtermMs != null) parts.push(`SIGTERM at ${formatAt(t.sigtermMs)}`);
    // On a cluster the slice change reaches the proxies late: the last failure is when requests still reached the pod.
    const lastMs = maxOf(list.map(failureAtMs));
    if (leftMs !== null && sw && lastMs > leftMs + EXIT_SLACK_MS) {
      parts.push(`${input.proxy.ix.proxy ?? 'the Service'} stopped routing to it at ${formatAt(leftMs)} as the API shows it, but requests still reached it up to ${formatAt(lastMs)}, ${formatDuration(lastMs - sw.atMs)} after the switch (the proxies apply a change late)`);
      neededMs = Math.max(neededMs, lastMs - sw.atMs);
    } else if (leftMs !== null && sw) {
      parts.push(`${input.proxy.ix.proxy ?? 'the Service'} stopped routing to it only at ${formatAt(leftMs)}, ${formatDuration(leftMs - sw.atMs)} after the switch`);
      neededMs = Math.max(neededMs, leftMs - sw.atMs);
    }
    evidence.push(parts.join('; '));
  }
  const needS = Math.ceil(neededMs / 1000) + 1;
  if (neededMs > 0) evidence.push(`routing needed ${formatDuration(neededMs)} after the switch to leave the old pods: scaleDownDelaySeconds must be at least ${needS} for this run`);
  return {
    id: 'stable-scaled-down-early',
    severity: 'critical',
    title: `${plural(g.failures.length, 'request')} failed on old pods scaled down after the blue-green switch while still routed`,
    evidence,
    fix: neededMs > 0 ? `${FIXES['stable-scaled-down-early']} This run needs scaleDownDelaySeconds >= ${needS}.` : FIXES['stable-scaled-down-early'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length,
    ...(neededMs > 0 ? { data: { neededDelaySeconds: needS, propagationMs: Math.round(neededMs) } } : {}),
  };
}
