// Rule upstream-keepalive-reset: pods cut the proxy's pooled keep-alive
// connections at shutdown, under requests it had already passed on.
import type { FindingRule } from './finding-kit.js';
import { proxyFinding, type ProxyFindingSpec } from './proxy-finding.js';

const SPEC: ProxyFindingSpec = {
  id: 'upstream-keepalive-reset',
  title: (_g, proxy, w) => `${w.failed} failed when pods cut ${proxy}'s pooled keep-alive connections at shutdown${w.hidden}`,
};

/** upstreamKeepaliveReset finds requests a proxy lost when pods cut its pooled keep-alive connections (or its retries saved). */
export const upstreamKeepaliveReset: FindingRule = {
  id: 'upstream-keepalive-reset',
  frontDoor: true,
  find: (input) => proxyFinding(SPEC, input),
};
