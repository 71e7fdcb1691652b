// The corpus: real servers nobody here wrote, each run as the app of a rollout
// under `rollcheck local`, with the finding rollcheck must give and the ones it
// must not. Data, so adding a server is one entry. Used by
// test/corpus/corpus.test.ts (one run each) and `npm run corpus -- --runs 10`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  /** expect is the finding that must be there; mechanism, when given, is its data.mechanism. */
  expect: FindingId;
  mechanism?: string;
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
      ['local', '--cmd', s.command(dir), '--readiness-path', s.readinessPath,
        '--replicas', '2', '--grace-period', '3s', '--rate', '50', '--connections', '10', '--warmup', '1s',
        '--cooldown', '2s', '--out', out, '--no-dashboard'],
      io,
    );
    const results = loadResults(out);
    const found = results.analysis?.findings ?? [];
    const findings = found.map((f) => f.id);
    const mechanism = found.find((f) => f.id === s.expect)?.data?.mechanism as string | undefined;
    const wrong = s.absent.filter((id) => findings.includes(id));
    const problems: string[] = [];
    if (!findings.includes(s.expect)) problems.push(`no ${s.expect}`);
    if (s.mechanism !== undefined && mechanism !== s.mechanism) problems.push(`mechanism ${mechanism ?? 'none'}, not ${s.mechanism}`);
    if (wrong.length > 0) problems.push(`wrong: ${wrong.join(', ')}`);
    return { server: s.name, findings, mechanism, exitCode, right: problems.length === 0, why: problems.join('; ') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

