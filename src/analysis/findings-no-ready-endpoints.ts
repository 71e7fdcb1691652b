// Rule no-ready-endpoints: the proxy had no ready endpoint left and answered 503.
import type { FindingRule } from './finding-kit.js';
import { proxyFinding, type ProxyFindingSpec } from './proxy-finding.js';

const SPEC: ProxyFindingSpec = {
  id: 'no-ready-endpoints',
  title: (_g, proxy, w) => `${w.failed} got 503 from ${proxy}: no ready endpoint was left`,
  unpodded: (_g, proxy, w) => `${w.count} got 503 from ${proxy} ${w.when}, while the ingress had no ready endpoint at all`,
};

/** noReadyEndpoints finds the 503s a proxy wrote while no pod behind it was ready. */
export const noReadyEndpoints: FindingRule = {
  id: 'no-ready-endpoints',
  frontDoor: true,
  find: (input) => proxyFinding(SPEC, input),
};
