// Real HTTP/2 and gRPC servers from Debian for the tests, each a child process
// on 127.0.0.1 with its files in a temp dir removed at close: nghttpd and h2o
// (h2c, prior knowledge), and a Python grpcio server (grpc-server.py).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort } from './harness.js';

/** RealServer is a running server process. */
export interface RealServer {
  port: number;
  child: ChildProcess;
  close(): Promise<void>;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

// listening waits up to 15 s (a loaded machine) for the port; a server that never listens is killed, so the file can end.
async function listening(port: number, child: ChildProcess): Promise<void> {
  try {
    await waitListening(port, child);
  } catch (err) {
    await stop(child);
    throw err;
  }
}

async function waitListening(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listened on ${port}`);
}

function docRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-h2-'));
  writeFileSync(join(dir, 'index.html'), 'hello\n');
  return dir;
}

// TRIES is how often a server started on a port freePort found is started again on another: between the
// two, the port may go to another process's connection (the suite runs many at once), and the bind fails.
const TRIES = 5;

/**
 * onFreePort starts a server with `spawnOn(port)` on a free port, again on another when it exits
 * before listening; when it never listens, `dir` (its files) is removed and the error thrown.
 */
async function onFreePort(dir: string, spawnOn: (port: number) => ChildProcess): Promise<{ port: number; child: ChildProcess }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const child = spawnOn(port);
    try {
      await listening(port, child);
      return { port, child };
    } catch (err) {
      if (attempt >= TRIES || child.exitCode === null) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
}

/** startNghttpd runs nghttpd (h2c, on 127.0.0.1 only) serving a small file. */
export async function startNghttpd(): Promise<RealServer> {
  const dir = docRoot();
  // --address: without it nghttpd also binds [::] and, when 127.0.0.1's port is taken, lives on there unreachable.
  const { port, child } = await onFreePort(dir, (p) => spawn('nghttpd', ['--no-tls', '--address', '127.0.0.1', '-d', dir, String(p)], { stdio: 'ignore' }));
  return { port, child, close: async () => (await stop(child), rmSync(dir, { recursive: true, force: true })) };
}

/** startH2o runs h2o (h2c prior knowledge on its cleartext listener) serving a small file; `extraConf` adds top-level config lines. */
export async function startH2o(extraConf: string[] = []): Promise<RealServer> {
  const dir = docRoot();
  const conf = join(dir, 'h2o.conf');
  const { port, child } = await onFreePort(dir, (p) => {
    writeFileSync(
      conf,
      [`listen:\n  port: ${p}\n  host: 127.0.0.1`, ...(process.getuid?.() === 0 ? ['user: root'] : []), `pid-file: ${join(dir, 'pid')}`,
        `error-log: ${join(dir, 'error.log')}`, ...extraConf, `hosts:\n  default:\n    paths:\n      /:\n        file.dir: ${dir}`].join('\n') + '\n',
    );
    return spawn('h2o', ['-c', conf], { stdio: 'ignore' });
  });
  return { port, child, close: async () => (await stop(child), rmSync(dir, { recursive: true, force: true })) };
}

/** startGrpcio runs the Python grpcio server as `pod` (on `port`, or one it picks), each call answered after `delayMs`. */
export async function startGrpcio(pod: string, port = 0, delayMs = 0): Promise<RealServer> {
  const script = new URL('./grpc-server.py', import.meta.url).pathname;
  const child = spawn('/usr/bin/python3', [script, pod, String(port), String(delayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const bound = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`grpc server exited with ${code}`)));
  });
  return { port: bound, child, close: () => stop(child) };
}
