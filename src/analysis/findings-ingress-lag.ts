// Rule ingress-lag: the ingress kept routing to pods after the Service had
// removed them (it applies endpoint changes later than the Service).
import type { FindingRule } from './finding-kit.js';
import { formatAt, formatDuration, plural } from './format.js';
import { ingressRemovedMs } from './front-door.js';
import { proxyFinding, type ProxyFindingSpec } from './proxy-finding.js';

const SPEC: ProxyFindingSpec = {
  id: 'ingress-lag',
  title: (g, proxy, w) =>
    g.failures.length > 0
      ? `${w.failed} failed because the ingress kept routing to pods after the Service had removed them${w.hidden}`
      : `The ingress kept routing to pods after they stopped serving: ${proxy}'s retries hid ${plural(g.saved.length, 'failure')}`,
  podParts: (t, ix) => {
    const parts: string[] = [];
    const removed = ingressRemovedMs(ix, t.pod);
    if (t.endpointRemovedMs !== null && removed !== null) {
      parts.push(`the Service removed it at ${formatAt(t.endpointRemovedMs)}, the ingress only at ${formatAt(removed)} (${formatDuration(removed - t.endpointRemovedMs)} later)`);
    }
    if (t.prestopStartMs !== null && t.prestopEndMs !== null) parts.push(`its preStop hook lasted ${formatDuration(t.prestopEndMs - t.prestopStartMs)}`);
    return parts;
  },
};

/** ingressLag finds requests that failed (or were saved) on pods the ingress still routed after the Service had removed them. */
export const ingressLag: FindingRule = {
  id: 'ingress-lag',
  frontDoor: true,
  find: (input) => proxyFinding(SPEC, input),
};
