import type { AnsweredBy } from '../results/types.js';

/** AnswerFacts is what the engine keeps of an HTTP failure to tell who wrote it (never the body itself). */
export interface AnswerFacts {
  /** podNamed: the answer carried the --pod-header, so the app wrote it. */
  podNamed: boolean;
  server?: string;
  via?: string;
  /** bodyHead is the first bytes of the body (latin1), read and dropped by the caller. */
  bodyHead: string;
}

// Error pages the proxies write themselves, as their sources and docs show them.
const BODY_SIGNATURES: ReadonlyArray<[RegExp, AnsweredBy]> = [
  [/upstream connect error or disconnect\/reset before headers|no healthy upstream|upstream request timeout/, 'envoy'],
  [/<center>awselb\/[\d.]+<\/center>/, 'awselb'],
  [/<center>nginx(\/[\d.]+)?<\/center>|<center>openresty/, 'nginx'],
  [/No server is available to handle this request|The server returned an invalid or incomplete response|The server didn't respond in time/, 'haproxy'],
  [/That['’]s an error\.|Error: Server Error.*temporary error/s, 'google'],
];

// Traefik answers a dead backend with the bare status text as text/plain.
const TRAEFIK_BODIES = new Set(['Bad Gateway', 'Service Unavailable', 'Gateway Timeout']);

/**
 * whoAnswered classifies an HTTP answer: the app when it named its pod,
 * else a proxy recognised by its body signature, `server` header (awselb,
 * envoy) or `via` header (Google's load balancer), else the app.
 */
export function whoAnswered(f: AnswerFacts): AnsweredBy {
  if (f.podNamed) return 'app';
  for (const [re, who] of BODY_SIGNATURES) if (re.test(f.bodyHead)) return who;
  const server = (f.server ?? '').toLowerCase();
  if (server.startsWith('awselb')) return 'awselb';
  if (server === 'envoy' || server === 'istio-envoy') return 'envoy';
  if (/\bgoogle\b/i.test(f.via ?? '') || server === 'google frontend') return 'google';
  if (TRAEFIK_BODIES.has(f.bodyHead.trim())) return 'traefik';
  return 'app';
}

// Server header values that belong to proxies and load balancers rather than to an app.
const PROXY_SERVERS = /^(nginx|openresty|envoy|istio-envoy|awselb|haproxy|traefik|google frontend|gfe|cloudflare|caddy|apache)\b/i;

/**
 * frontDoorHint says, from one answer's `server`, `via` and pod headers, when
 * the URL answers through a proxy or load balancer, or undefined when nothing
 * says so. A pod-named answer with a proxy's server header still went through it.
 */
export function frontDoorHint(h: { server?: string; via?: string }): string | undefined {
  const parts: string[] = [];
  if (h.server !== undefined && PROXY_SERVERS.test(h.server.trim())) parts.push(`server: ${h.server.trim()}`);
  if (h.via !== undefined && h.via.trim() !== '') parts.push(`via: ${h.via.trim()}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
