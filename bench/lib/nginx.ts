// nginx (Debian's nginx-light) as a C target server on loopback: one process
// (no master, no daemon) pinned to the server core, answering 200 "ok" with an
// x-pod-name header, and logging each request's end time ($msec, ms
// resolution) so that arrivals can be counted per 100 ms exactly as the Node
// server counts them. The bench owns the process: `service nginx stop` first.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinned, SERVER_CORE, sleep, type BenchServer, type ServerStats } from './procs.js';

/** hasNginx tells whether nginx is installed. */
export function hasNginx(): boolean {
  return spawnSync('nginx', ['-v']).error === undefined;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function config(dir: string, port: number): string {
  return `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; }
http {
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  log_format arrivals '$msec';
  # Buffered: one write per 256 KiB or 100 ms, not one per request on the server's core.
  access_log ${dir}/access.log arrivals buffer=256k flush=100ms;
  keepalive_timeout 60s;
  keepalive_requests 10000000;
  server {
    listen 127.0.0.1:${port} reuseport;
    location / {
      add_header x-pod-name nginx-bench;
      return 200 'ok';
    }
  }
}
`;
}

/** startNginx starts nginx pinned to the server core; its stats come from its access log. */
export async function startNginx(): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, config(dir, port));
  const [cmd, argv] = pinned(SERVER_CORE, 'nginx', [
    '-c',
    conf,
    '-p',
    dir,
    '-e',
    join(dir, 'error.log'),
  ]);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
  // Up once it accepts a connection.
  for (let i = 0; ; i += 1) {
    if (child.exitCode !== null)
      throw new Error(`nginx exited (${child.exitCode}); see ${dir}/error.log`);
    const up = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(true)); // the port is taken: nginx listens
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
    });
    if (up) break;
    if (i > 100) throw new Error('nginx did not start listening within 5 s');
    await sleep(50);
  }
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    child,
    async stats(): Promise<ServerStats> {
      await sleep(300); // past the log's 100 ms flush
      const windows = new Map<number, number>();
      const perMs = new Map<number, number>();
      let requests = 0;
      for (const line of readFileSync(join(dir, 'access.log'), 'latin1').split('\n')) {
        if (line === '') continue;
        const ms = Math.round(Number(line) * 1000);
        const w = Math.floor(ms / 100);
        windows.set(w, (windows.get(w) ?? 0) + 1);
        perMs.set(ms, (perMs.get(ms) ?? 0) + 1);
        requests += 1;
      }
      return {
        windows: [...windows.entries()],
        perMs: [...perMs.entries()],
        answered: requests,
        requests,
      };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
