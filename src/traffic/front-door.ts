import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { UsageError } from '../errors.js';

/** MixEntry is one method of a request mix, its share of the rate, and an optional path of its own. */
export interface MixEntry {
  method: string;
  weight: number;
  path?: string;
}

/** TlsSettings say how the engine trusts an HTTPS front door; plain data, so they cross to worker threads. */
export interface TlsSettings {
  /** caPem is an extra CA (PEM) to trust, from --ca-cert or the CA an --ingress-tls run made. */
  caPem?: string;
  /** caPath is where caPem came from, for messages and results meta. */
  caPath?: string;
  /** insecure skips certificate and name checks (--insecure). */
  insecure: boolean;
}

/** ResolveRule is curl's --resolve HOST:PORT:ADDR: connect to ADDR, send SNI and Host for HOST. */
export interface ResolveRule {
  host: string;
  port: number;
  addr: string;
}

/** UPSTREAM_HEADER is the response header a proxy in front of the pods names the upstream address(es) it tried in. */
export const UPSTREAM_HEADER = 'x-upstream-addr';

/** parseMix reads `GET=80,POST=20` or `GET:/items=80,POST:/orders=20` (shares are relative weights). */
export function parseMix(text: string): MixEntry[] {
  const entries = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new UsageError('--mix: empty; use e.g. GET=80,POST=20');
  return entries.map((entry) => {
    const m = /^([A-Za-z]+)(?::(\/\S*))?=(\d+(?:\.\d+)?)%?$/.exec(entry);
    if (!m) throw new UsageError(`--mix: cannot read "${entry}"; use METHOD=SHARE or METHOD:/path=SHARE, e.g. GET=80,POST:/orders=20`);
    const weight = Number(m[3]);
    if (!(weight > 0)) throw new UsageError(`--mix: "${entry}" has a share of 0; leave the method out instead`);
    return { method: (m[1] as string).toUpperCase(), weight, ...(m[2] ? { path: m[2] } : {}) };
  });
}

/**
 * mixIndex picks entry `k`'s method: a smooth weighted round robin (Nginx's
 * algorithm), so that every short stretch of the schedule carries the mix.
 * It returns a function of the request index that must be called in order.
 */
export function createMixPicker(mix: readonly MixEntry[]): () => number {
  if (mix.length <= 1) return () => 0;
  const total = mix.reduce((s, e) => s + e.weight, 0);
  const current = mix.map(() => 0);
  return () => {
    let best = 0;
    for (let i = 0; i < mix.length; i += 1) {
      current[i] = (current[i] as number) + (mix[i] as MixEntry).weight;
      if ((current[i] as number) > (current[best] as number)) best = i;
    }
    current[best] = (current[best] as number) - total;
    return best;
  };
}

/** parseResolve reads HOST:PORT:ADDR (ADDR an IP address; [::1] in brackets for IPv6). */
export function parseResolve(text: string): ResolveRule {
  const m = /^([^:\s]+):(\d+):(\[[0-9a-fA-F:]+\]|[^:\s]+)$/.exec(text.trim());
  const addr = m?.[3]?.replace(/^\[|\]$/g, '');
  const port = Number(m?.[2]);
  if (!m || !addr || isIP(addr) === 0 || !(port > 0 && port < 65536)) {
    throw new UsageError(`--resolve: cannot read "${text}"; use HOST:PORT:ADDR with ADDR an IP address, e.g. shop.example.com:443:127.0.0.1`);
  }
  return { host: (m[1] as string).toLowerCase(), port, addr };
}

/** readTlsSettings reads --ca-cert FILE and --insecure. */
export function readTlsSettings(opts: Record<string, unknown>, cwd: string): TlsSettings {
  const insecure = opts.insecure === true;
  if (typeof opts.caCert !== 'string') return { insecure };
  if (insecure) throw new UsageError('--ca-cert and --insecure: give only one of them');
  const path = resolvePath(cwd, opts.caCert);
  let caPem: string;
  try {
    caPem = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--ca-cert: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}); check the path`);
  }
  if (!caPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`--ca-cert: ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA certificate in PEM form`);
  }
  return { caPem, caPath: path, insecure };
}

// Node's TLS verification codes that mean "the certificate is not one we trust".
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/**
 * tlsProblem words a TLS or name error of the pre-flight request as the
 * one-line fix, or returns undefined when the error is not about TLS.
 */
export function tlsProblem(code: string, message: string, url: string): string | undefined {
  if (UNTRUSTED.has(code)) {
    return `${url}: certificate signed by an unknown authority (${code}); pass --ca-cert FILE (the CA that signed it) or --insecure`;
  }
  if (EXPIRED.has(code)) return `${url}: the certificate is expired or not yet valid (${code}); renew it, or pass --insecure`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `${url}: the certificate does not name this host (${message.replace(/\s+/g, ' ').slice(0, 160)}); use a URL with a name the certificate holds (with --resolve NAME:PORT:ADDR) or pass --insecure`;
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || /wrong version number|ssl3_get_record|packet length too long/i.test(message)) {
    return `${url}: TLS handshake failed (${code}: ${message.replace(/\s+/g, ' ').slice(0, 120)}); check http:// vs https:// and the port`;
  }
  return undefined;
}
