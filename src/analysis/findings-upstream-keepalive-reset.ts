// Rule upstream-keepalive-reset: pods cut the proxy's pooled keep-alive
// connections at shutdown, under requests it had already passed on. Behind a
// proxy that reaches the pods over HTTP/2 (gRPC's grpc_pass, HAProxy's proto h2)
// this is what a stop without a graceful stop looks like from the client: the
// proxy's own 502 or closed connection, never the pod's GOAWAY or its absence.
import type { FindingRule, RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { proxyFinding, type ProxyFindingSpec } from './proxy-finding.js';

/** http2Upstream: the proxy reached the pods over HTTP/2 (the run's ingress protocol is gRPC or h2c). */
const http2Upstream = (input: RuleInput): boolean => ['grpc', 'h2c', 'h2'].includes(String(input.results.meta.params.ingressProtocol));

const SPEC: ProxyFindingSpec = {
  id: 'upstream-keepalive-reset',
  title: (_g, proxy, w) => `${w.failed} failed when pods cut ${proxy}'s pooled keep-alive connections at shutdown${w.hidden}`,
  fix: (input) =>
    http2Upstream(input)
      ? `${input.proxy.name} reaches the pods over HTTP/2, so ${FIXES['no-graceful-stop'].replace(/^Stop/, 'stop')} ` +
        'Behind a proxy, make the preStop sleep longer than endpoint propagation plus the ingress\'s own delay.'
      : FIXES['upstream-keepalive-reset'],
};

/** upstreamKeepaliveReset finds requests a proxy lost when pods cut its pooled keep-alive connections (or its retries saved). */
export const upstreamKeepaliveReset: FindingRule = {
  id: 'upstream-keepalive-reset',
  frontDoor: true,
  find: (input) => proxyFinding(SPEC, input),
};
