// The corpus: real servers nobody here wrote, each run as the app of a rollout
// under `rollcheck local`, with the finding rollcheck must give and the ones it
// must not. Data, so adding a server is one entry. Used by
// test/corpus/corpus.test.ts (one run each) and `npm run corpus -- --runs 10`.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import type { FindingId } from '../../src/results/types.js';
import { createTestIo } from '../helpers.js';
import type { Tool } from '../tools.js';
import { loadResults } from '../../src/results/io.js';

/** CorpusServer is one real server and what rollcheck must say about its rollout. */
export interface CorpusServer {
  name: string;
  /** tool is what must be installed (skipped otherwise); none for Node itself. */
  tool?: Tool;
  /** command is the pod command (`--cmd`, run by sh -c with HOST and PORT set); `dir` holds the files `files` wrote. */
  command(dir: string): string;
  files?: Record<string, string>;
  readinessPath: string;
  /** readiness, when given, is the probe instead (`--readiness`: tcp, grpc) for a server that does not answer an HTTP/1.1 GET. */
  readiness?: string;
  /** protocol is what the traffic speaks (`--protocol`); absent: HTTP/1.1. */
  protocol?: 'h2c' | 'grpc';
  /** expect is the finding that must be there; mechanism, when given, is its data.mechanism. */
  expect: FindingId;
  mechanism?: string;
  /** goaway, when given, is whether the rollout's old pods sent their HTTP/2 connections a GOAWAY (the connection records). */
  goaway?: boolean;
  /** absent are findings that would blame the wrong mechanism. */
  absent: FindingId[];
}

const NOT_SIGTERM: FindingId[] = ['grace-too-short', 'prestop-exceeds-grace', 'pod-crashed', 'not-ready-traffic', 'unrelated-errors', 'slow-start'];
const NOT_IGNORED: FindingId[] = ['sigterm-ignored', 'grace-too-short', 'prestop-exceeds-grace', 'pod-crashed', 'unrelated-errors', 'slow-start'];

const WSGI_APP = `def app(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '3')])
    return [b'ok\\n']
`;
const ASGI_APP = `async def app(scope, receive, send):
    if scope['type'] != 'http':
        return
    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/plain')]})
    await send({'type': 'http.response.body', 'body': b'ok\\n'})
`;
const NGINX_CONF = (dir: string): string => `daemon off;
worker_processes 1;
pid ${dir}/nginx-$PORT.pid;
error_log stderr;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir};
  server { listen LISTEN; location / { return 200 "ok\\n"; } }
}
`;

// A gRPC server in a few lines of grpcio: the health check rollcheck calls by default, answered by hand
// (grpc_health is not packaged), and the SIGTERM handling named by its argument: none, stop-none (server.stop(None))
// or stop-<seconds> (server.stop(seconds)).
const GRPC_SERVER = `import os, signal, sys
from concurrent import futures
import grpc

def check(request, context):
    return b'\\x08\\x01'  # HealthCheckResponse{status: SERVING}

health = grpc.method_handlers_generic_handler('grpc.health.v1.Health', {'Check': grpc.unary_unary_rpc_method_handler(check)})
server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
server.add_generic_rpc_handlers((health,))
server.add_insecure_port('%s:%s' % (os.environ['HOST'], os.environ['PORT']))
server.start()
mode = sys.argv[1]
if mode != 'none':
    grace = None if mode == 'stop-none' else float(mode[len('stop-'):])
    def on_sigterm(signum, frame):
        server.stop(grace).wait()
        sys.exit(0)
    signal.signal(signal.SIGTERM, on_sigterm)
server.wait_for_termination()
`;
// h2o started as root drops to nobody unless told otherwise, and nobody cannot read a private temp dir.
const H2O_CONF = `user: root
listen:
  host: HOST
  port: PORT
hosts:
  default:
    paths:
      /:
        file.dir: WWW
`;
// An HTTP/2 server that stopped with a GOAWAY must not be blamed for stopping without one, nor for ignoring SIGTERM.
const GRACEFUL_H2: FindingId[] = [...NOT_IGNORED, 'no-graceful-stop', 'graceful-stop-exceeds-grace'];

/** CORPUS lists the servers. */
export const CORPUS: CorpusServer[] = [
  {
    name: 'python3 -m http.server (exec)',
    tool: 'python3',
    command: () => 'exec python3 -m http.server --bind "$HOST" "$PORT"',
    readinessPath: '/',
    expect: 'sigterm-ignored',
    mechanism: 'no-handler',
    absent: NOT_SIGTERM,
  },
  {
    name: 'python3 -m http.server (shell-wrapped)',
    tool: 'python3',
    command: () => 'python3 -m http.server --bind "$HOST" "$PORT"; echo "http.server exited"',
    readinessPath: '/',
    expect: 'sigterm-ignored',
    mechanism: 'shell',
    absent: NOT_SIGTERM,
  },
  {
    name: 'busybox httpd',
    tool: 'busybox',
    files: { 'www/index.html': 'ok\n' },
    command: (dir) => `exec busybox httpd -f -p "$HOST:$PORT" -h ${dir}/www`,
    readinessPath: '/index.html',
    // busybox httpd installs no SIGTERM handler: as PID 1 it runs on until the SIGKILL.
    expect: 'sigterm-ignored',
    mechanism: 'no-handler',
    absent: NOT_SIGTERM,
  },
  {
    name: 'nginx',
    tool: 'nginx',
    command: (dir) => `sed "s/LISTEN/$HOST:$PORT/" ${dir}/nginx.conf.in > ${dir}/nginx-$PORT.conf && exec nginx -p ${dir} -c ${dir}/nginx-$PORT.conf`,
    readinessPath: '/',
    expect: 'no-prestop-drain',
    absent: NOT_IGNORED,
  },
  {
    name: 'gunicorn (sync workers)',
    tool: 'gunicorn',
    files: { 'wsgi_app.py': WSGI_APP },
    command: (dir) => `exec gunicorn --chdir ${dir} -b "$HOST:$PORT" -w 2 wsgi_app:app`,
    readinessPath: '/',
    expect: 'no-prestop-drain',
    absent: NOT_IGNORED,
  },
  {
    name: 'uvicorn',
    // Debian's python3-uvicorn is a module of the system python3 (no uvicorn executable).
    tool: 'uvicorn',
    files: { 'asgi_app.py': ASGI_APP },
    command: (dir) => `exec /usr/bin/python3 -m uvicorn --app-dir ${dir} --host "$HOST" --port "$PORT" asgi_app:app`,
    readinessPath: '/',
    expect: 'no-prestop-drain',
    absent: NOT_IGNORED,
  },
  {
    name: 'caddy respond',
    tool: 'caddy',
    command: () => 'exec caddy respond --listen "$HOST:$PORT" --body ok',
    readinessPath: '/',
    expect: 'no-prestop-drain',
    absent: NOT_IGNORED,
  },
  {
    name: "node's http without a SIGTERM handler (exec)",
    command: () => `exec node -e "require('http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, process.env.HOST)"`,
    readinessPath: '/',
    expect: 'sigterm-ignored',
    absent: NOT_SIGTERM,
  },
  {
    name: 'grpcio, server.stop(None) at SIGTERM',
    tool: 'grpcio',
    protocol: 'grpc',
    files: { 'grpc_server.py': GRPC_SERVER },
    command: (dir) => `exec /usr/bin/python3 ${dir}/grpc_server.py stop-none`,
    readinessPath: '/',
    readiness: 'grpc',
    // It sends GOAWAY (2^31-1, then the last stream id with "Cancelling all calls") and exits at once, while still routed.
    goaway: true,
    expect: 'no-prestop-drain',
    absent: GRACEFUL_H2,
  },
  {
    name: 'grpcio, server.stop(5) at SIGTERM',
    tool: 'grpcio',
    protocol: 'grpc',
    files: { 'grpc_server.py': GRPC_SERVER },
    command: (dir) => `exec /usr/bin/python3 ${dir}/grpc_server.py stop-5`,
    readinessPath: '/',
    readiness: 'grpc',
    // GOAWAY, short calls finish (streams sent across the GOAWAY are refused), then it exits, while still routed.
    goaway: true,
    expect: 'no-prestop-drain',
    absent: GRACEFUL_H2,
  },
  {
    name: 'grpcio, no SIGTERM handler (exec)',
    tool: 'grpcio',
    protocol: 'grpc',
    files: { 'grpc_server.py': GRPC_SERVER },
    command: (dir) => `exec /usr/bin/python3 ${dir}/grpc_server.py none`,
    readinessPath: '/',
    readiness: 'grpc',
    expect: 'sigterm-ignored',
    mechanism: 'no-handler',
    absent: [...NOT_SIGTERM, 'no-graceful-stop', 'graceful-stop-exceeds-grace'],
  },
  {
    name: 'hypercorn (h2c)',
    tool: 'hypercorn',
    protocol: 'h2c',
    files: { 'asgi_app.py': ASGI_APP },
    // At SIGTERM it closes its HTTP/2 connections with streams open and no GOAWAY, and exits.
    goaway: false,
    command: (dir) => `cd ${dir} && exec hypercorn --bind "$HOST:$PORT" asgi_app:app`,
    readinessPath: '/',
    expect: 'no-graceful-stop',
    absent: [...NOT_IGNORED, 'graceful-stop-exceeds-grace'],
  },
  {
    name: 'h2o (h2c)',
    tool: 'h2o',
    protocol: 'h2c',
    files: { 'www/index.html': 'ok\n', 'h2o.conf.in': H2O_CONF },
    // At SIGTERM it sends GOAWAY, finishes the streams it has, refuses those already on their way (REFUSED_STREAM,
    // now and then a goaway-race) and exits within ~100 ms, while the Service still routes new connections to it.
    goaway: true,
    command: (dir) =>
      `sed -e "s/HOST/$HOST/" -e "s/PORT/$PORT/" -e "s#WWW#${dir}/www#" ${dir}/h2o.conf.in > ${dir}/h2o-$PORT.conf && exec h2o -c ${dir}/h2o-$PORT.conf`,
    readinessPath: '/index.html',
    expect: 'no-prestop-drain',
    absent: GRACEFUL_H2,
  },
  {
    name: 'nghttpd (h2c)',
    tool: 'nghttpd',
    protocol: 'h2c',
    files: { 'www/index.html': 'ok\n' },
    command: (dir) => `exec nghttpd --no-tls -d ${dir}/www --address "$HOST" "$PORT"`,
    readinessPath: '/',
    readiness: 'tcp',
    // nghttpd installs no SIGTERM handler: as PID 1 it runs on until the SIGKILL.
    expect: 'sigterm-ignored',
    mechanism: 'no-handler',
    absent: [...NOT_SIGTERM, 'no-graceful-stop', 'graceful-stop-exceeds-grace'],
  },
];

/** CorpusRun is one run of one server: what was found and whether that was right. */
export interface CorpusRun {
  server: string;
  findings: FindingId[];
  mechanism?: string;
  exitCode: number;
  right: boolean;
  why: string;
}

/** runCorpusServer rolls `s` once on the embedded runtime and judges the findings. */
export async function runCorpusServer(s: CorpusServer): Promise<CorpusRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-corpus-'));
  try {
    for (const [name, text] of Object.entries(s.files ?? {})) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    if (s.name === 'nginx') writeFileSync(join(dir, 'nginx.conf.in'), NGINX_CONF(dir));
    const out = join(dir, 'run.json');
    const io = createTestIo({ cwd: dir });
    const exitCode = await runCli(
      ['local', '--cmd', s.command(dir), ...(s.readiness ? ['--readiness', s.readiness] : ['--readiness-path', s.readinessPath]),
        ...(s.protocol ? ['--protocol', s.protocol] : []),
        '--replicas', '2', '--grace-period', '3s', '--rate', '50', '--connections', '10', '--warmup', '1s',
        '--cooldown', '2s', '--out', out, '--no-dashboard'],
      io,
    );
    // CORPUS_KEEP=DIR keeps each run's results there, to read what a wrong run saw.
    if (process.env.CORPUS_KEEP) copyFileSync(out, join(process.env.CORPUS_KEEP, `${s.name.replace(/[^a-z0-9]+/gi, '-')}-${Date.now()}.json`));
    const results = loadResults(out);
    const found = results.analysis?.findings ?? [];
    const findings = found.map((f) => f.id);
    const mechanism = found.find((f) => f.id === s.expect)?.data?.mechanism as string | undefined;
    const wrong = s.absent.filter((id) => findings.includes(id));
    const problems: string[] = [];
    if (!findings.includes(s.expect)) problems.push(`no ${s.expect}`);
    if (s.mechanism !== undefined && mechanism !== s.mechanism) problems.push(`mechanism ${mechanism ?? 'none'}, not ${s.mechanism}`);
    if (wrong.length > 0) problems.push(`wrong: ${wrong.join(', ')}`);
    const goaways = (results.connections ?? []).some((c) => c.goaways.length > 0);
    if (s.goaway !== undefined && goaways !== s.goaway) problems.push(goaways ? 'a GOAWAY was recorded' : 'no GOAWAY was recorded');
    return { server: s.name, findings, mechanism, exitCode, right: problems.length === 0, why: problems.join('; ') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

