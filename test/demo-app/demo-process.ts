// The demo app as a real process on its own loopback address, for the demo-app tests.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { demoDir } from '../../src/cluster/local/create-pod-runtime.js';
import { freePort } from '../../src/cluster/local/proc.js';

/** sleep waits `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** DemoApp is one running demo app process. */
export interface DemoApp {
  child: ChildProcess;
  host: string;
  port: number;
  log(): string;
  exit: Promise<{ code: number | null; signal: string | null }>;
}

let nextHost = 1;

/**
 * startDemoApp runs manifests/demo/app.mjs (or `script`, e.g. an entrypoint,
 * run by sh) directly (no namespace) on its own loopback address of 127.0.`net`.x.
 */
export async function startDemoApp(
  t: { after(fn: () => void): void },
  env: Record<string, string>,
  options: { net?: number; script?: string } = {},
): Promise<DemoApp> {
  const host = `127.0.${options.net ?? 88}.${nextHost++}`;
  const port = await freePort(host);
  const argv = options.script ? ['sh', [join(demoDir(), options.script)]] as const : [process.execPath, [join(demoDir(), 'app.mjs')]] as const;
  const child = spawn(argv[0], [...argv[1]], {
    env: { PATH: process.env.PATH, HOST: host, PORT: String(port), POD_NAME: 'demo-test-pod', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.script !== undefined,
  });
  t.after(() => {
    if (options.script && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    } else child.kill('SIGKILL');
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exit = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  for (let i = 0; i < 150 && !out.includes('listening'); i += 1) await sleep(20);
  assert.match(out, /listening/);
  return { child, host, port, log: () => out, exit };
}
