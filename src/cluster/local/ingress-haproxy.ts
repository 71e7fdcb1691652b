import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { IngressBackend, IngressBackendOptions } from './ingress.js';
import { startProxyProcess } from './ingress-process.js';
import { HEALTH_PATH } from './ingress-nginx.js';
import type { ServiceEndpoint } from './service-proxy.js';

// Server slots the runtime API fills: more than the pods a local run can have at once (100 replicas + surge).
const SLOTS = 256;

/**
 * haproxyConfig writes an HAProxy-based ingress's defaults: HTTP mode with
 * server-side keep-alive (http-reuse safe), `retries 3` with `option
 * redispatch 1` (every retry on another server) and HAProxy's own retry-on
 * (connection failures only), connect 5 s, server 60 s, client keep-alive 75 s.
 * Servers are template slots the runtime API points at pods; a response names
 * the upstream it came from, "-, addr" when HAProxy retried (it does not
 * say which server failed first). With no server, HAProxy answers 503 itself.
 * With an HTTP/2 protocol (h2c, gRPC), `proto h2` on the bind line (cleartext;
 * ALPN h2 under TLS) and on every server: HTTP/2 end to end, balanced per request.
 */
export function haproxyConfig(o: IngressBackendOptions): string {
  const h2 = o.protocol !== 'http1';
  const tls = o.tls ? ` ssl crt ${join(o.dir, 'ingress.pem')}${h2 ? ' alpn h2,http/1.1' : ''}` : '';
  const bind = `bind ${o.host}:${o.port}${tls}${h2 && !o.tls ? ' proto h2' : ''}`;
  const h = o.upstreamHeader;
  return `# written by rollcheck: the embedded ingress (HAProxy, runtime API for endpoints)
global
  stats socket ${join(o.dir, 'admin.sock')} mode 600 level admin
  maxconn 8192
defaults
  mode http
  log stdout format raw local0
  option httplog
  timeout connect 5s
  timeout client 75s
  timeout server 60s
  timeout http-keep-alive 75s
  timeout queue 5s
  retries 3
  option redispatch 1
frontend ingress
  ${bind}
  http-request return status 200 content-type text/plain string "ok" if { path ${HEALTH_PATH} }
  http-after-response set-var-fmt(txn.retries) "%rc"
  http-after-response set-header ${h} "%si:%sp" if { srv_id -m found } !{ var(txn.retries) -m int gt 0 }
  http-after-response set-header ${h} "-, %si:%sp" if { srv_id -m found } { var(txn.retries) -m int gt 0 }
  default_backend pods
backend pods
  balance roundrobin
  server-template pod 1-${SLOTS} 127.0.0.1:1 disabled${h2 ? ' proto h2' : ''}
`;
}

/** startHaproxy runs HAProxy in master-worker mode in the foreground and changes its servers through the runtime API, without a reload. */
export async function startHaproxy(o: IngressBackendOptions, endpoints: readonly ServiceEndpoint[]): Promise<IngressBackend> {
  const conf = join(o.dir, 'haproxy.cfg');
  if (o.tls) writeFileSync(join(o.dir, 'ingress.pem'), readFileSync(o.tls.certPath, 'utf8') + readFileSync(o.tls.keyPath, 'utf8'));
  writeFileSync(conf, haproxyConfig(o));
  const proc = await startProxyProcess({ command: 'haproxy', args: ['-W', '-db', '-f', conf], logPath: o.logPath, cwd: o.dir, missing: 'apt-get install haproxy' });
  const socket = join(o.dir, 'admin.sock');
  // slot number -> the address it points at; a free slot is absent.
  const slots = new Map<number, string>();
  const apply = async (next: readonly ServiceEndpoint[]): Promise<void> => {
    const wanted = new Set(next.map((e) => `${e.host}:${e.port}`));
    const commands: string[] = [];
    for (const [slot, addr] of slots) {
      if (wanted.has(addr)) continue;
      commands.push(`set server pods/pod${slot} state maint`);
      slots.delete(slot);
    }
    const have = new Set(slots.values());
    for (const e of next) {
      const addr = `${e.host}:${e.port}`;
      if (have.has(addr)) continue;
      const slot = freeSlot(slots);
      slots.set(slot, addr);
      commands.push(`set server pods/pod${slot} addr ${e.host} port ${e.port}`, `set server pods/pod${slot} state ready`);
    }
    if (commands.length > 0) await runtimeApi(socket, commands);
  };
  try {
    await waitForSocket(socket, proc.exited);
    await apply(endpoints);
  } catch (err) {
    await proc.stop('SIGTERM');
    throw err;
  }
  return {
    pid: proc.pid,
    async update(next) {
      await apply(next);
      return 'runtime-api';
    },
    // SIGUSR1: soft stop (finish what is in flight), then the process helper's SIGTERM/SIGKILL.
    stop: () => proc.stop('SIGUSR1'),
    exited: proc.exited,
  };
}

function freeSlot(slots: ReadonlyMap<number, string>): number {
  for (let i = 1; i <= SLOTS; i += 1) if (!slots.has(i)) return i;
  throw new Error(`haproxy ingress: all ${SLOTS} server slots are in use`);
}

// An answer takes milliseconds; a socket that says nothing for this long is given up, not waited on for ever.
const RUNTIME_API_TIMEOUT_MS = 10_000;

/** runtimeApi sends commands over HAProxy's stats socket (one connection, `;`-separated) and fails on an error answer or none. */
function runtimeApi(socket: string, commands: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = createConnection(socket);
    let out = '';
    c.setEncoding('utf8');
    c.setTimeout(RUNTIME_API_TIMEOUT_MS, () => c.destroy(new Error(`haproxy runtime API: no answer within ${RUNTIME_API_TIMEOUT_MS / 1000} s`)));
    c.on('data', (d: string) => (out += d));
    c.on('error', reject);
    c.on('end', () => {
      const bad = out.split('\n').find((l) => /^(No such|Invalid|Unknown|Require|Permission)/i.test(l.trim()));
      if (bad) reject(new Error(`haproxy runtime API: ${bad.trim()}`));
      else resolve(out);
    });
    c.end(`${commands.join('; ')}\n`);
  });
}

async function waitForSocket(socket: string, exited: Promise<string>): Promise<void> {
  let gone: string | null = null;
  void exited.then((how) => (gone = how));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (gone !== null) throw new Error(`haproxy exited at start (${gone})`);
    try {
      await runtimeApi(socket, ['show info']);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('haproxy: its runtime API socket did not answer within 10 s');
}
