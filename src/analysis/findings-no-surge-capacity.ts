// Rule no-surge-capacity: a StatefulSet (or a DaemonSet without surge) takes
// a pod out before its replacement is ready, so for a while fewer pods carry
// the traffic; when they cannot, requests queue past the timeout or get 503,
// exactly while the capacity is down (capacity-gaps.ts claims them).
import type { Finding } from '../results/types.js';
import { rolloutCapacityGaps, type Gap } from './capacity-gaps.js';
import { group, kindsText, type FindingRule } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, formatDuration, plural } from './format.js';
import { failureAtMs } from './windows.js';

/** noSurgeCapacity finds the failures that lined up with the capacity gaps of a surge-less update. */
export const noSurgeCapacity: FindingRule = {
  id: 'no-surge-capacity',
  find(input) {
    const g = group(input, 'no-surge-capacity');
    if (g.failures.length === 0) return null;
    const kind = input.results.meta.cluster?.workload?.kind === 'daemonset' ? 'DaemonSet' : 'StatefulSet';
    const gaps = rolloutCapacityGaps(input.results);
    const evidence = gaps.slice(0, 8).map((gap) => gapLine(gap, g.failures.filter((f) => inGap(failureAtMs(f), gap)).length));
    if (gaps.length > 8) evidence.push(`… and ${plural(gaps.length - 8, 'more gap')}`);
    const outside = input.results.failures.filter((f) => !gaps.some((gap) => inGap(failureAtMs(f), gap))).length;
    evidence.push(
      `${plural(g.failures.length, 'request')} failed inside these gaps (${kindsText(g.failures)}), ${outside} outside them; ` +
        'none was a connection cut by a pod going away: the remaining pods could not carry the traffic',
    );
    const finding: Finding = {
      id: 'no-surge-capacity',
      severity: 'critical',
      title: `${plural(g.failures.length, 'request')} failed while the ${kind} update left fewer ready pods than the traffic needed`,
      evidence,
      fix: FIXES['no-surge-capacity'],
      pods: [...g.byPod.keys()],
      failures: g.failures.length,
      data: { gaps: gaps.length, gapMs: Math.round(gaps.reduce((s, x) => s + x.toMs - x.fromMs, 0)), fewestServing: Math.min(...gaps.map((x) => x.serving)) },
    };
    return finding;
  },
};

function inGap(atMs: number, gap: Gap): boolean {
  return atMs >= gap.fromMs && atMs <= gap.toMs;
}

function gapLine(gap: Gap, failed: number): string {
  return `${formatAt(gap.fromMs)}–${formatAt(gap.toMs)} (${formatDuration(gap.toMs - gap.fromMs)}): ${gap.serving} of ${gap.wanted} pods ready in the Service, ${plural(failed, 'request')} failed`;
}
