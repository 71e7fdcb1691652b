import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngressBackend, IngressBackendOptions } from './ingress.js';
import { startProxyProcess } from './ingress-process.js';
import type { ServiceEndpoint } from './service-proxy.js';

/** HEALTH_PATH is the path the embedded ingress answers itself, for its health check. */
export const HEALTH_PATH = '/.rollcheck/ingress-healthz';

/**
 * nginxConfig writes ingress-nginx's defaults as a plain nginx config:
 * upstreams are the pod endpoints themselves; upstream keep-alive (320
 * connections, 60 s idle, 10000 requests); `proxy_next_upstream error timeout`
 * with 3 tries (nginx passes a non-idempotent request on only when nothing was
 * sent yet); connect 5 s, send/read 60 s; no passive marking of failed servers
 * (the controller balances in Lua, not with max_fails). With no endpoint the
 * controller answers 503 itself. The upstream address(es) tried go back in a
 * response header, as `$upstream_addr` ("a, b" after a retry). With an
 * HTTP/2 protocol (h2c, gRPC) the listener speaks HTTP/2 and the pods are
 * reached by `grpc_pass` (HTTP/2 cleartext); a pod nginx could not reach is its
 * own 502, which a gRPC client reads as UNAVAILABLE.
 */
export function nginxConfig(o: IngressBackendOptions, endpoints: readonly ServiceEndpoint[]): string {
  const h2 = o.protocol !== 'http1';
  const listen = `listen ${o.host}:${o.port}${o.tls ? ' ssl' : ''}${h2 ? ' http2' : ''};`;
  const tls = o.tls ? `    ssl_certificate ${o.tls.certPath};\n    ssl_certificate_key ${o.tls.keyPath};\n` : '';
  const upstream = endpoints.length
    ? `  upstream pods {\n${endpoints.map((e) => `    server ${e.host}:${e.port} max_fails=0;`).join('\n')}\n    keepalive 320;\n    keepalive_timeout 60s;\n    keepalive_requests 10000;\n  }\n`
    : '';
  const route = endpoints.length ? (h2 ? GRPC_ROUTE : HTTP1_ROUTE) : '      return 503;';
  const dir = o.dir;
  return `# written by rollcheck: the embedded ingress (ingress-nginx defaults)
worker_processes 1;
worker_shutdown_timeout 240s;
pid ${join(dir, 'nginx.pid')};
error_log stderr notice;
events { worker_connections 4096; }
http {
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  log_format upstreaminfo '$msec $remote_addr "$request" $status $body_bytes_sent $request_time [$upstream_addr] [$upstream_status] [$upstream_response_time]';
  access_log ${o.logPath} upstreaminfo;
  keepalive_timeout 75s;
  keepalive_requests 1000;
${upstream}  server {
    ${listen}
${tls}    location = ${HEALTH_PATH} { return 200 "ok\\n"; }
    location / {
      add_header ${o.upstreamHeader} $upstream_addr always;
${route}
    }
  }
}
`;
}

// ingress-nginx's proxying of an HTTP/1.1 backend.
const HTTP1_ROUTE = `      proxy_pass http://pods;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_connect_timeout 5s;
      proxy_send_timeout 60s;
      proxy_read_timeout 60s;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 3;
      proxy_next_upstream_timeout 0;
      proxy_request_buffering on;`;

// ingress-nginx's proxying of a GRPC backend (backend-protocol: GRPC): HTTP/2 to the
// pods over pooled connections, the same timeouts and retries; plain h2c rides it too.
const GRPC_ROUTE = `      grpc_pass grpc://pods;
      grpc_set_header Host $host;
      grpc_connect_timeout 5s;
      grpc_send_timeout 60s;
      grpc_read_timeout 60s;
      grpc_next_upstream error timeout;
      grpc_next_upstream_tries 3;
      grpc_next_upstream_timeout 0;`;

/** startNginx runs nginx in the foreground (master + one worker) and reloads it on SIGHUP for each endpoint change. */
export async function startNginx(o: IngressBackendOptions, endpoints: readonly ServiceEndpoint[]): Promise<IngressBackend> {
  const conf = join(o.dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(o, endpoints));
  const proc = await startProxyProcess({
    command: 'nginx',
    args: ['-e', 'stderr', '-p', o.dir, '-c', conf, '-g', 'daemon off; master_process on;'],
    logPath: o.logPath,
    cwd: o.dir,
    missing: 'apt-get install nginx-light (or nginx)',
  });
  return {
    pid: proc.pid,
    async update(next) {
      writeFileSync(conf, nginxConfig(o, next));
      proc.signal('SIGHUP');
      return 'reload';
    },
    // SIGQUIT: graceful (workers finish their requests), then the process helper's SIGTERM/SIGKILL.
    stop: () => proc.stop('SIGQUIT'),
    exited: proc.exited,
  };
}
