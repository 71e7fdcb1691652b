import { buildConnector } from 'undici';
import type { TrafficSettings } from './settings.js';

/** ConnectOptions is the part of an undici Client's options that says how to reach and trust the target. */
export interface ConnectOptions {
  connectTimeout?: number;
  connect?: buildConnector.connector;
}

/**
 * connectOptionsFor builds undici's connector for the front-door flags: the
 * extra CA (--ca-cert, or the CA an --ingress-tls run made), --insecure, and
 * --resolve (dial ADDR; the origin's host still gives SNI and Host). Without
 * any of them it leaves undici's own connector alone.
 */
export function connectOptionsFor(settings: Pick<TrafficSettings, 'tls' | 'resolve' | 'timeoutMs'>, origin: string): ConnectOptions {
  const { resolve } = settings;
  const tls = settings.tls ?? { insecure: false };
  if (tls.caPem === undefined && !tls.insecure && resolve === undefined) return { connectTimeout: settings.timeoutMs };
  const url = new URL(origin);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const dialAddr = resolve !== undefined && resolve.host === host && resolve.port === port ? resolve.addr : undefined;
  const base = buildConnector({
    timeout: settings.timeoutMs,
    ...(tls.caPem !== undefined ? { ca: tls.caPem } : {}),
    ...(tls.insecure ? { rejectUnauthorized: false } : {}),
  });
  if (dialAddr === undefined) return { connect: base };
  return {
    // servername stays the URL's host (undici sets it from the origin), so SNI and the certificate check use the name.
    connect: (opts, callback) => base({ ...opts, hostname: dialAddr, servername: opts.servername ?? host }, callback),
  };
}
