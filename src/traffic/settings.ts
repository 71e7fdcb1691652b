import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseDurationMs, parseHeader, parsePercent, parsePositive } from '../parse.js';
import { parseMix, parseResolve, readTlsSettings, type MixEntry, type ResolveRule, type TlsSettings } from './front-door.js';
import { readProtocolSettings, type ProtocolSettings } from './grpc/grpc-settings.js';

/** TrafficSettings is everything the load engine needs besides the URL; plain data, so it crosses to worker threads. */
export interface TrafficSettings {
  ratePerSec: number;
  durationMs: number;
  warmupMs: number;
  /** connections is the size of the long-lived keep-alive pool. */
  connections: number;
  /** connectionsAuto: --connections was not given, so the run may grow the pool to carry the rate (see pool-size.ts). */
  connectionsAuto?: boolean;
  /** keepAlive false sends every request on a new connection (as --fresh-connections 100). */
  keepAlive: boolean;
  /** freshPercent is the share of the rate sent each on a new connection (a separate pool). */
  freshPercent: number;
  method: string;
  headers: Array<[string, string]>;
  body?: Uint8Array;
  /** timeoutMs bounds connect, headers and body each (and the wait for a free connection). */
  timeoutMs: number;
  /** maxInFlight caps outstanding requests; the excess is counted as dropped. */
  maxInFlight: number;
  /** podHeader is the response header naming the pod that answered (lower case). */
  podHeader: string;
  workers: number;
  /** protocol names what goes on the wire, a key of the protocol registry (`protocols.ts`): http1 unless a flag, a spec or a file names another. */
  protocol: string;
  /** grpc names a gRPC run's call (--grpc-method, --proto, the --grpc-metadata keys); the call itself is method, mix, headers and body. */
  grpc?: ProtocolSettings['grpc'];
  /** client is the protocol's implementation: 'lean' (default; ours), 'undici' (the HTTP/1.1 reference) or 'node' (the HTTP/2 one, node:http2). */
  client?: 'lean' | 'undici' | 'node';
  /** mix is the request mix (--mix), one entry per method; without --mix, just --method. */
  mix?: MixEntry[];
  /** tls says which certificates an https:// target may present (--ca-cert, --insecure). */
  tls?: TlsSettings;
  /** resolve connects to another address for the URL's host (--resolve HOST:PORT:ADDR). */
  resolve?: ResolveRule;
}

const DEFAULT_RATE = 100;
const DEFAULT_DURATION_MS = 30_000;
const MAX_WORKERS = 64;

/** readTrafficSettings validates the traffic flags from commander's `opts()`; `cwd` resolves --body-file. */
export function readTrafficSettings(
  opts: Record<string, unknown>,
  cwd: string = process.cwd(),
): TrafficSettings {
  const text = (name: string, fallback: string): string => {
    const v = opts[name];
    return v === undefined || v === null ? fallback : String(v);
  };
  const ratePerSec = parsePositive(text('rate', String(DEFAULT_RATE)), '--rate');
  const durationMs = parseDurationMs(
    text('duration', `${DEFAULT_DURATION_MS / 1000}s`),
    '--duration',
  );
  if (durationMs <= 0) throw new UsageError('--duration: must be longer than 0; use e.g. 30s');
  const warmupMs = parseDurationMs(text('warmup', '2s'), '--warmup');
  const connections = parsePositive(text('connections', '10'), '--connections', true);
  const freshPercent =
    opts.keepalive === false
      ? 100
      : parsePercent(text('freshConnections', '0'), '--fresh-connections');
  const method = text('method', 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method))
    throw new UsageError(`--method: "${method}" is not an HTTP method; use e.g. GET or POST`);
  const headers = ((opts.header as string[] | undefined) ?? []).map(parseHeader);
  const timeoutMs = parseDurationMs(text('timeout', '5s'), '--timeout');
  if (timeoutMs <= 0) throw new UsageError('--timeout: must be longer than 0; use e.g. 5s');
  const maxInFlight =
    opts.maxInFlight === undefined
      ? Math.max(1000, Math.ceil((ratePerSec * timeoutMs) / 1000))
      : parsePositive(text('maxInFlight', '1000'), '--max-in-flight', true);
  const podHeader = text('podHeader', 'x-pod-name').trim().toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(podHeader)) {
    throw new UsageError(`--pod-header: "${podHeader}" is not a header name; use e.g. x-pod-name`);
  }
  const workers = parsePositive(text('workers', '1'), '--workers', true);
  if (workers > MAX_WORKERS)
    throw new UsageError(`--workers: ${workers} is too many; use at most ${MAX_WORKERS}`);
  const p = readProtocolSettings(opts, cwd);
  // A gRPC run sends its one call: POST to /Service/Method with gRPC's headers (and -H's), the framed message.
  const call = p.request;
  return {
    ratePerSec,
    durationMs,
    warmupMs,
    connections,
    connectionsAuto: opts.connections === undefined || opts.connections === null,
    keepAlive: opts.keepalive !== false,
    freshPercent,
    method: call?.method ?? method,
    headers: call !== undefined ? [...call.headers, ...headers] : headers,
    body: call?.body ?? readBody(opts, cwd),
    timeoutMs,
    maxInFlight,
    podHeader,
    workers,
    client: opts.client === 'undici' || opts.client === 'node' ? opts.client : 'lean',
    mix: call !== undefined ? [{ method: call.method, path: call.path, weight: 1 }] : typeof opts.mix === 'string' ? parseMix(opts.mix) : [{ method, weight: 1 }],
    tls: readTlsSettings(opts, cwd),
    ...(typeof opts.resolve === 'string' ? { resolve: parseResolve(opts.resolve) } : {}),
    protocol: p.protocol,
    ...(p.grpc !== undefined ? { grpc: p.grpc } : {}),
  };
}

function readBody(opts: Record<string, unknown>, cwd: string): Uint8Array | undefined {
  if (opts.body !== undefined && opts.bodyFile !== undefined) {
    throw new UsageError('--body and --body-file: give only one of them');
  }
  if (typeof opts.body === 'string') return Buffer.from(opts.body);
  if (typeof opts.bodyFile !== 'string') return undefined;
  const path = resolve(cwd, opts.bodyFile);
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(
      `--body-file: cannot read ${path} (${code}); check the path and its permissions`,
    );
  }
}

/** trafficParams is the settings as results meta params (the body as its size, never its content). */
export function trafficParams(s: TrafficSettings): Record<string, unknown> {
  const { body, tls, ...rest } = s;
  // The CA's path, never its content: results are shared.
  const tlsParams = { insecure: tls?.insecure === true, caCert: tls?.caPath ?? null };
  return { ...rest, tls: tlsParams, headers: s.headers.map(([k]) => k), bodyBytes: body?.byteLength ?? 0 };
}

/** share splits `total` (connections, in-flight cap) over `n` workers or runners as evenly as possible, at least 1 each; `i` is which one. */
export function share(total: number, n: number, i: number): number {
  return Math.max(1, Math.floor(total / n) + (i < total % n ? 1 : 0));
}
