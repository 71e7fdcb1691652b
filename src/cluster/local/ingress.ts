import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as h2Connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriverContext } from '../driver.js';
import { UsageError } from '../../errors.js';
import { HEALTH_PATH, startNginx } from './ingress-nginx.js';
import { startHaproxy } from './ingress-haproxy.js';
import { makeIngressTls, type IngressTlsFiles } from './ingress-tls.js';
import { freePort, sleepMs } from './proc.js';
import type { ServiceEndpoint } from './service-proxy.js';

/** IngressKind is which real proxy plays the ingress controller. */
export type IngressKind = 'nginx' | 'haproxy';

/** IngressProtocol is what the ingress speaks on its listener and to the pods: HTTP/1.1, or HTTP/2 (h2c, gRPC). */
export type IngressProtocol = 'http1' | 'h2c' | 'grpc';

/** IngressSettings: which proxy, how long after the Service's own change it applies an endpoint change, TLS, and the protocol. */
export interface IngressSettings {
  kind: IngressKind;
  delayMs: number;
  tls: boolean;
  /** protocol h2c or grpc: an HTTP/2 listener and HTTP/2 to the pods (nginx grpc_pass, HAProxy proto h2); absent: HTTP/1.1. */
  protocol?: IngressProtocol;
}

// Service changes this close together reach the ingress as one update, as a controller's sync batches them.
const COALESCE_MS = 100;

/** INGRESS_UPSTREAM_HEADER is the response header the ingress names the upstream address(es) it tried in (traffic/front-door.ts reads the same). */
export const INGRESS_UPSTREAM_HEADER = 'x-upstream-addr';

/** IngressBackendOptions is what a proxy backend is started with. */
export interface IngressBackendOptions {
  host: string;
  port: number;
  /** dir is the proxy's working folder (config, pid, temp files, sockets). */
  dir: string;
  logPath: string;
  upstreamHeader: string;
  tls?: IngressTlsFiles;
  /** protocol is the listener's and the pods' protocol (default http1). */
  protocol: IngressProtocol;
}

/** IngressBackend is one running proxy (nginx or haproxy). */
export interface IngressBackend {
  pid: number;
  /** update points the proxy at `endpoints` now, and says how (a reload or the runtime API). */
  update(endpoints: readonly ServiceEndpoint[]): Promise<'reload' | 'runtime-api'>;
  stop(): Promise<void>;
  exited: Promise<string>;
}

/** Ingress is the embedded ingress controller: a real proxy in front of the pods. */
export interface Ingress {
  readonly kind: IngressKind;
  readonly url: string;
  readonly logPath: string;
  /** caPem / caCertPath: the run's CA when the ingress terminates TLS. */
  readonly caPem?: string;
  readonly caCertPath?: string;
  /** serviceChanged is told the Service's endpoints after each change; the proxy follows `delayMs` later. */
  serviceChanged(endpoints: readonly ServiceEndpoint[]): void;
  stop(): Promise<void>;
}

/**
 * startIngress starts the proxy with `endpoints`, waits until it answers its
 * health path, and emits `ingress` events for start, health, each update and
 * stop. Its working folder is removed at stop; its log stays in `logDir`.
 */
export async function startIngress(settings: IngressSettings, endpoints: readonly ServiceEndpoint[], ctx: DriverContext, logDir: string): Promise<Ingress> {
  const dir = mkdtempSync(join(tmpdir(), `rollcheck-ingress-${settings.kind}-`));
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const host = '127.0.0.1';
  const logPath = join(logDir, `ingress-${settings.kind}.log`);
  const emit = (action: 'started' | 'healthy' | 'updated' | 'stopped' | 'failed', extra: Record<string, unknown> = {}): void =>
    ctx.emit({ kind: 'ingress', proxy: settings.kind, action, atMs: ctx.clock.nowMs(), ...extra });
  let backend: IngressBackend | undefined;
  const timers = new Set<NodeJS.Timeout>();
  let changes = 0;
  const changedAt = new Map<number, number>();
  try {
    const tls = settings.tls ? makeIngressTls(dir) : undefined;
    const port = await freePort(host);
    const protocol = settings.protocol ?? 'http1';
    const o: IngressBackendOptions = { host, port, dir, logPath, upstreamHeader: INGRESS_UPSTREAM_HEADER, protocol, ...(tls ? { tls } : {}) };
    backend = await startBackend(settings.kind, o, endpoints);
    emit('started', { pid: backend.pid, workDir: dir, endpoints: endpoints.map((e) => e.pod), upstreams: upstreamMap(endpoints), via: 'config', detail: `pid ${backend.pid}, ${tls ? 'https' : 'http'}://${host}:${port}` });
    const url = `${tls ? 'https' : 'http'}://${host}:${port}/`;
    // A cleartext HTTP/2 listener speaks prior knowledge only: its health path is asked over h2c.
    await waitHealthy(url, tls?.caPem, protocol !== 'http1' && !tls, backend, logPath);
    emit('healthy');
    const b = backend;
    let stopped = false;
    void b.exited.then((how) => {
      if (!stopped) emit('failed', { detail: `${settings.kind} exited on its own (${how}); see ${logPath}` });
    });
    return {
      kind: settings.kind,
      url,
      logPath,
      ...(tls ? { caPem: tls.caPem, caCertPath: tls.caCertPath } : {}),
      serviceChanged(next) {
        const snapshot = [...next];
        const seq = (changes += 1);
        const thisAt = Date.now();
        changedAt.set(seq, thisAt);
        const t = setTimeout(() => {
          timers.delete(t);
          if (stopped) return;
          // Changes that arrive together are applied together (each snapshot is the whole list): one reload, not two.
          const nextAt = changedAt.get(seq + 1);
          changedAt.delete(seq);
          if (nextAt !== undefined && nextAt - thisAt < COALESCE_MS) return;
          b.update(snapshot).then(
            (via) => emit('updated', { endpoints: snapshot.map((e) => e.pod), upstreams: upstreamMap(snapshot), via }),
            (err: unknown) => emit('failed', { detail: `update failed: ${String(err)}` }),
          );
        }, settings.delayMs);
        timers.add(t);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        for (const t of timers) clearTimeout(t);
        await b.stop();
        emit('stopped');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const t of timers) clearTimeout(t);
    await backend?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function startBackend(kind: IngressKind, o: IngressBackendOptions, endpoints: readonly ServiceEndpoint[]): Promise<IngressBackend> {
  switch (kind) {
    case 'nginx':
      return startNginx(o, endpoints);
    case 'haproxy':
      return startHaproxy(o, endpoints);
  }
}

function upstreamMap(endpoints: readonly ServiceEndpoint[]): Record<string, string> {
  return Object.fromEntries(endpoints.map((e) => [`${e.host}:${e.port}`, e.pod]));
}

// The proxy answers its own health path once it listens; give it 10 s.
async function waitHealthy(url: string, caPem: string | undefined, h2c: boolean, backend: IngressBackend, logPath: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = 'no answer';
  let exited: string | null = null;
  void backend.exited.then((how) => (exited = how));
  while (Date.now() < deadline) {
    if (exited !== null) throw new UsageError(`--ingress: the proxy exited at start (${exited}); see ${logPath}`);
    const status = await (h2c ? getStatusH2c(new URL(HEALTH_PATH, url)) : getStatus(new URL(HEALTH_PATH, url), caPem)).catch((e: NodeJS.ErrnoException) => {
      last = e.code ?? e.message;
      return 0;
    });
    if (status === 200) return;
    if (status !== 0) last = `HTTP ${status}`;
    await sleepMs(50);
  }
  throw new UsageError(`--ingress: the proxy did not answer ${HEALTH_PATH} within 10s (${last}); see ${logPath}`);
}

function getStatus(url: URL, caPem: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'GET', agent: false, timeout: 1000, ...(caPem ? { ca: caPem } : {}) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

function getStatusH2c(url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = h2Connect(url.origin);
    const timer = setTimeout(() => session.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), 1000);
    session.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    const req = session.request({ ':path': url.pathname });
    req.on('response', (h) => {
      clearTimeout(timer);
      resolve(Number(h[':status'] ?? 0));
      session.destroy();
    });
    req.on('error', () => undefined);
    req.end();
  });
}
