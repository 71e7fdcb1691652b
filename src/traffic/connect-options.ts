import { buildConnector } from 'undici';
import type { TrafficSettings } from './settings.js';

/** TargetTrust says how either client dials and trusts the target (--ca-cert, --insecure, --resolve). */
export interface TargetTrust {
  /** caPem is an extra CA to trust (it replaces the default roots, as Node's `ca` does). */
  caPem?: string;
  /** insecure skips certificate and name checks. */
  insecure: boolean;
  /** dialAddr is the address to connect to instead of the URL's host (--resolve); SNI and Host stay the name. */
  dialAddr?: string;
}

/** trustFor reads the front-door flags for `origin`: --resolve applies only to its host and port. */
export function trustFor(settings: Pick<TrafficSettings, 'tls' | 'resolve'>, origin: string): TargetTrust {
  const tls = settings.tls ?? { insecure: false };
  const url = new URL(origin);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const r = settings.resolve;
  const dialAddr = r !== undefined && r.host === host && r.port === port ? r.addr : undefined;
  return {
    insecure: tls.insecure,
    ...(tls.caPem !== undefined ? { caPem: tls.caPem } : {}),
    ...(dialAddr !== undefined ? { dialAddr } : {}),
  };
}

/** ConnectOptions is the part of an undici Client's options that says how to reach and trust the target. */
export interface ConnectOptions {
  connectTimeout?: number;
  connect?: buildConnector.connector;
}

/**
 * undiciConnectOptions builds undici's connector for a TargetTrust: the extra
 * CA, --insecure, and the dial address (the origin's host still gives SNI and
 * Host). Without any of them it leaves undici's own connector alone.
 */
export function undiciConnectOptions(trust: TargetTrust, timeoutMs: number, origin: string): ConnectOptions {
  if (trust.caPem === undefined && !trust.insecure && trust.dialAddr === undefined) return { connectTimeout: timeoutMs };
  const host = new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const base = buildConnector({
    timeout: timeoutMs,
    ...(trust.caPem !== undefined ? { ca: trust.caPem } : {}),
    ...(trust.insecure ? { rejectUnauthorized: false } : {}),
  });
  const dialAddr = trust.dialAddr;
  if (dialAddr === undefined) return { connect: base };
  return {
    // servername stays the URL's host (undici sets it from the origin), so SNI and the certificate check use the name.
    connect: (opts, callback) => base({ ...opts, hostname: dialAddr, servername: opts.servername ?? host }, callback),
  };
}

/** connectOptionsFor is undiciConnectOptions for the traffic settings (the pre-flight probe). */
export function connectOptionsFor(settings: Pick<TrafficSettings, 'tls' | 'resolve' | 'timeoutMs'>, origin: string): ConnectOptions {
  return undiciConnectOptions(trustFor(settings, origin), settings.timeoutMs, origin);
}
