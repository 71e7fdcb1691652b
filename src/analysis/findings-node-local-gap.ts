// Rule node-local-gap: a Service with a node-local traffic policy sends the
// traffic that enters on a node only to that node's pods; while the node had
// none (its DaemonSet pod replaced without surge, or the node drained), the
// traffic had nowhere to go (capacity-gaps.ts claims the failures).
import type { Finding } from '../results/types.js';
import { nodeLocalGaps } from './capacity-gaps.js';
import { group, kindsText, type FindingRule } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, formatDuration, plural } from './format.js';
import { failureAtMs } from './windows.js';

/** nodeLocalGap finds the failures while the entry node of a node-local Service had no pod routed. */
export const nodeLocalGap: FindingRule = {
  id: 'node-local-gap',
  find(input) {
    const g = group(input, 'node-local-gap');
    if (g.failures.length === 0) return null;
    const gaps = nodeLocalGaps(input.results);
    const node = gaps[0]?.node ?? input.results.meta.cluster?.trafficPolicy?.node ?? '?';
    const evidence = gaps.slice(0, 8).map((gap) => {
      const n = g.failures.filter((f) => failureAtMs(f) >= gap.fromMs && failureAtMs(f) <= gap.toMs).length;
      return `${formatAt(gap.fromMs)}–${formatAt(gap.toMs)} (${formatDuration(gap.toMs - gap.fromMs)}): no pod on ${node} was routed; ${plural(n, 'request')} failed`;
    });
    evidence.push(`traffic entered on ${node} and the Service's traffic policy is Local: the pods on other nodes could not take it (${kindsText(g.failures)})`);
    const finding: Finding = {
      id: 'node-local-gap',
      severity: 'critical',
      title: `${plural(g.failures.length, 'request')} failed while ${node} had no pod for its node-local traffic`,
      evidence,
      fix: FIXES['node-local-gap'],
      pods: [...g.byPod.keys()],
      failures: g.failures.length,
      data: { node, gaps: gaps.length },
    };
    return finding;
  },
};
