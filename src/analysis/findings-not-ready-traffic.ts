// Rule not-ready-traffic: new pods got traffic (and failed it) before they
// could really serve: marked ready too early, or not ready yet and still routed.
import type { Finding } from '../results/types.js';
import { group, kindsText, maxOf, timelineByPod, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, plural } from './format.js';
import { proxyFinding, type ProxyFindingSpec } from './proxy-finding.js';
import { failureAtMs } from './windows.js';

/** notReadyTraffic finds the failures on new pods that were not really ready. */
export const notReadyTraffic: FindingRule = {
  id: 'not-ready-traffic',
  find: directFinding,
  hiddenByProxy: (input) => proxyFinding(HIDDEN, input),
};

// Behind a proxy whose retries hid every such failure: what the proxy saw.
const HIDDEN: ProxyFindingSpec = {
  id: 'not-ready-traffic',
  title: (_g, _proxy, w) => `New pods refused requests before they were really ready: ${w.failed} failed${w.hidden}`,
};

function directFinding(input: RuleInput): Finding | null {
  const g = group(input, 'not-ready-traffic');
  if (g.failures.length === 0) return null;
  const byName = timelineByPod(input);
  const evidence = [...g.byPod].map(([pod, list]) => {
    const t = byName.get(pod);
    const ready = t?.readyMs != null ? `it was marked ready at ${formatAt(t.readyMs)}` : 'it never became ready';
    const last = maxOf(list.map(failureAtMs));
    return `${pod}: ${plural(list.length, 'request')} failed (${kindsText(list)}) up to ${formatAt(last)}; ${ready}`;
  });
  return {
    id: 'not-ready-traffic',
    severity: 'critical',
    title: `${plural(g.failures.length, 'request')} failed on new pods that were not really ready`,
    evidence,
    fix: FIXES['not-ready-traffic'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length,
  };
}
