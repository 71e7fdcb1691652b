// Rule sidecar-exited-first: the proxy sidecar in front of the app (a mesh or
// TCP proxy) exited on SIGTERM while the app was still draining and routed.
import type { Finding } from '../results/types.js';
import { group, minOf, timelineByPod, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, formatDuration, plural } from './format.js';
import { firstSidecarExit } from './pod-time.js';
import { failureAtMs } from './windows.js';

/** sidecarExitedFirst finds the failures that sidecarCaused claimed (causes.ts), by pod. */
export const sidecarExitedFirst: FindingRule = { id: 'sidecar-exited-first', find };

function find(input: RuleInput): Finding | null {
  const g = group(input, 'sidecar-exited-first');
  const failures = g.failures.length;
  if (failures === 0) return null;
  const byName = timelineByPod(input);
  const evidence = [...g.byPod].map(([pod, list]) => {
    const t = byName.get(pod);
    const s = t ? firstSidecarExit(t) : null;
    const first = minOf(list.map(failureAtMs));
    const appExit = t?.exitedMs != null && s ? `; the app container exited only at ${formatAt(t.exitedMs)}, ${formatDuration(t.exitedMs - s.atMs)} later` : '; the app container was still running';
    const exit = s?.exitCode !== null && s?.exitCode !== undefined ? ` (exit ${s.exitCode})` : '';
    return `${pod}: container "${s?.container ?? '?'}" exited at ${s ? formatAt(s.atMs) : '?'}${exit}${appExit}; ${plural(list.length, 'request')} failed from ${formatAt(first)}`;
  });
  evidence.push('The container in front of the app (a mesh or TCP proxy) stopped on SIGTERM while the app was still draining and the endpoint still routed, so requests found no one to carry them in.');
  return {
    id: 'sidecar-exited-first',
    severity: 'critical',
    title: `${plural(failures, 'request')} failed because a proxy sidecar exited before the app had drained`,
    evidence,
    fix: FIXES['sidecar-exited-first'],
    pods: [...g.byPod.keys()],
    failures,
  };
}
