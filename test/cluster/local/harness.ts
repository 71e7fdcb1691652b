// Test harness for the embedded runtime: an event collector on a real clock,
// a small two-population traffic loop (keep-alive pool + fresh connections)
// that remembers which pod each connection talked to, and leak checks.
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { createClock, type Clock } from '../../../src/results/clock.js';
import { createLocalDriver, type LocalDriver } from '../../../src/cluster/local/local-driver.js';
import { DEFAULT_LOCAL_SETTINGS, type LocalRuntimeSettings } from '../../../src/cluster/local/settings.js';
import type { ClusterEvent } from '../../../src/results/events.js';
import type { DriverContext } from '../../../src/cluster/driver.js';

/** Recorder collects the events a driver emits. */
export interface EventLog extends DriverContext {
  events: ClusterEvent[];
  of<K extends ClusterEvent['kind']>(kind: K, pod?: string): Array<Extract<ClusterEvent, { kind: K }>>;
}

/** createEventLog makes a DriverContext that keeps every event. */
export function createEventLog(clock: Clock = createClock()): EventLog {
  const events: ClusterEvent[] = [];
  return {
    clock,
    events,
    emit: (e) => void events.push(e),
    of: (kind, pod) =>
      events.filter((e) => e.kind === kind && (pod === undefined || ('pod' in e && e.pod === pod))) as never,
  };
}

/** Outcome is one request of the traffic loop. */
export interface Outcome {
  atMs: number;
  fresh: boolean;
  ok: boolean;
  status?: number;
  error?: string;
  /** pod answered (x-pod-name) or, on failure, the pod the connection last talked to. */
  pod?: string;
}

/** runTraffic sends `ratePerSec` GETs to `url` until `signal` aborts; `freshShare` of them on a new connection each. */
export async function runTraffic(url: string, ratePerSec: number, freshShare: number, signal: AbortSignal, clock: Clock): Promise<Outcome[]> {
  // FIFO, as rollcheck's engine hands out its connections: every connection carries a
  // request every few hundred ms. (Node's default LIFO leaves some connections idle
  // for seconds and then reuses one just as a draining app closes it: the idle-close
  // race, about 1 rollout in 12 here — real, but not what this harness is for.)
  const agent = new Agent({ keepAlive: true, maxSockets: 8, keepAliveMsecs: 1000, scheduling: 'fifo' });
  const podOf = new WeakMap<Socket, string>();
  const outcomes: Outcome[] = [];
  const inflight = new Set<Promise<void>>();
  const intervalMs = 1000 / ratePerSec;
  const t0 = performance.now();
  let n = 0;
  while (!signal.aborted && n < ratePerSec * 120) {
    const fresh = (n * freshShare) % 1 >= 1 - freshShare - 1e-9;
    n += 1;
    const p = oneRequest(url, fresh ? false : agent, podOf, clock).then((o) => void outcomes.push({ ...o, fresh }));
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    const waitMs = t0 + n * intervalMs - performance.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  }
  await Promise.all([...inflight]);
  agent.destroy();
  return outcomes;
}

function oneRequest(url: string, agent: Agent | false, podOf: WeakMap<Socket, string>, clock: Clock): Promise<Omit<Outcome, 'fresh'>> {
  const atMs = clock.nowMs();
  return new Promise((resolve) => {
    let socket: Socket | undefined;
    const req = request(url, { agent, timeout: 5000 }, (res) => {
      const pod = String(res.headers['x-pod-name'] ?? '');
      if (socket && pod) podOf.set(socket, pod);
      res.resume();
      res.on('end', () => resolve({ atMs, ok: (res.statusCode ?? 0) < 500, status: res.statusCode, pod }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ atMs, ok: false, error: e.code ?? e.message, pod }));
    });
    req.on('socket', (s: Socket) => (socket = s));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ atMs, ok: false, error: e.code ?? e.message, pod: socket ? podOf.get(socket) : undefined }));
    req.end();
  });
}

/** processesWithEnv lists live PIDs whose environment has `KEY=value` (the by-name leak check). */
export function processesWithEnv(key: string, value: string, alsoEnv?: string): number[] {
  const needle = `${key}=${value}`;
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (env.includes(needle) && (alsoEnv === undefined || env.includes(alsoEnv))) out.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** processGroupOf reads the process group of a live process (undefined once it is gone). */
export function processGroupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/** createLeakWatch remembers every pod (name, process group) an event log reports, to check nothing is left. */
export function createLeakWatch(log: EventLog): { check(): Promise<string[]> } {
  const groups = new Map<string, number>();
  const emit = log.emit;
  log.emit = (e) => {
    if (e.kind === 'pod-started' && e.pid !== undefined) {
      const g = processGroupOf(e.pid);
      if (g !== undefined) groups.set(e.pod, g);
    }
    emit(e);
  };
  return {
    /** check lists what is still running (empty = clean), after waiting up to a second for the kernel. */
    async check() {
      const { pidsInGroup } = await import('../../../src/cluster/local/proc.js');
      const names = new Set(log.events.flatMap((e) => (e.kind === 'pod-created' ? [e.pod] : [])));
      let left: string[] = [];
      for (let i = 0; i < 50; i += 1) {
        left = [];
        for (const name of names) {
          const byName = processesWithEnv('POD_NAME', name);
          if (byName.length) left.push(`${name}: pids ${byName.join(',')} (by name)`);
        }
        for (const [name, g] of groups) {
          const byGroup = pidsInGroup(g);
          if (byGroup.length) left.push(`${name}: group ${g} has ${byGroup.join(',')}`);
        }
        if (left.length === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return left;
    },
  };
}

type T = { after(fn: () => Promise<void> | void): void };

/** setupDriver makes a driver over a fresh log dir; after the test it is stopped and checked for leftovers. */
export function setupDriver(t: T, overrides: Partial<LocalRuntimeSettings>): { driver: LocalDriver; log: EventLog } {
  const logDir = mkdtempSync(join(tmpdir(), 'rollcheck-driver-test-'));
  const log = createEventLog();
  const leaks = createLeakWatch(log);
  const driver = createLocalDriver({ ...DEFAULT_LOCAL_SETTINGS, logDir, ...overrides }, log);
  t.after(async () => {
    await driver.stop();
    assert.deepEqual(await leaks.check(), [], 'processes left after the test');
    rmSync(logDir, { recursive: true, force: true });
  });
  return { driver, log };
}
