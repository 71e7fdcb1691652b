// Rule ingress-reload: a proxy reload closed client keep-alive connections
// under requests the clients were sending on them.
import type { FindingRule } from './finding-kit.js';
import { formatDuration } from './format.js';
import { RELOAD_WINDOW_MS } from './front-door.js';
import { proxyFinding, type ProxyFindingSpec } from './proxy-finding.js';

const SPEC: ProxyFindingSpec = {
  id: 'ingress-reload',
  title: (_g, proxy, w) => `${w.failed} failed on client keep-alive connections ${proxy} closed when it reloaded its configuration`,
  unpodded: (g, proxy, w) =>
    `${w.count} on reused connections to ${proxy} failed ${w.when} (${[...new Set(g.unpodded.map((f) => f.kind))].join(', ')}), ` +
    `each within ${formatDuration(RELOAD_WINDOW_MS)} after a reload; the pods never saw them`,
};

/** ingressReload finds requests lost on client connections a proxy closed when it reloaded. */
export const ingressReload: FindingRule = {
  id: 'ingress-reload',
  frontDoor: true,
  find: (input) => proxyFinding(SPEC, input),
};
