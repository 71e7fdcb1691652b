import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import type { ClusterEvent, Pid1Facts, Pid1UnknownReason } from '../../results/events.js';
import { childrenOf, isPauseProcess, MAX_CHILDREN } from '../pid1-facts.js';
import { factsFromTexts, parseReaderOutput, readerScript } from './pid1-read.js';
import type { ReadTexts } from './pid1-read.js';

/** Pid1InspectorOptions: where the pods are, which container, the run clock and the event sink. */
export interface Pid1InspectorOptions {
  kc: k8s.KubeConfig;
  namespace: string;
  /** container is the app container (known after the pre-flight). */
  container(): string | undefined;
  nowMs(): number;
  emit(event: ClusterEvent): void;
  /** timeoutMs bounds one whole inspection (every exec it makes); default 5 s. */
  timeoutMs?: number;
  /** parallel is how many pods are inspected at once; default 2. */
  parallel?: number;
}

/** Pid1Inspector looks at each pod's PID 1 once, in the background. */
export interface Pid1Inspector {
  /** inspect queues a pod (a second call for the same pod does nothing); it never waits. */
  inspect(pod: string): void;
  /** idle resolves when nothing is queued or running (tests). */
  idle(): Promise<void>;
  /** stop drops the queue and abandons what runs. */
  stop(): void;
}

/** Exec runs one command in the pod's app container. */
type Exec = (command: string[]) => Promise<ExecResult>;

/** ExecResult is one exec: stdout, the Status the server sent on the error channel (null: none), or why it failed. */
type ExecResult = { ok: true; stdout: string; status: k8s.V1Status | null } | { ok: false; reason: Pid1UnknownReason; detail: string };

class Unknown extends Error {
  constructor(
    readonly reason: Pid1UnknownReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * createPid1Inspector reads each pod's PID 1 through pods/exec in its app
 * container, a few pods at a time and each bounded in time, and emits a
 * `pid1` event with the same facts the embedded runtime reads from /proc, or a
 * `pid1-unknown` event that says why not. It never delays the caller: the
 * rollout and the traffic go on while it reads. After one 403 it asks no more.
 */
export function createPid1Inspector(o: Pid1InspectorOptions): Pid1Inspector {
  const timeoutMs = o.timeoutMs ?? 5000;
  const parallel = o.parallel ?? 2;
  const seen = new Set<string>();
  const queue: string[] = [];
  const running = new Set<Promise<void>>();
  const sockets = new Set<{ close(): void }>();
  let forbidden: string | null = null;
  let stopped = false;

  const run = async (pod: string): Promise<void> => {
    if (forbidden !== null) {
      o.emit({ kind: 'pid1-unknown', pod, atMs: o.nowMs(), reason: 'forbidden', detail: forbidden });
      return;
    }
    const deadline = Date.now() + timeoutMs;
    const exec: Exec = (command) => execInPod({ ...o, timeoutMs, sockets }, pod, command, deadline);
    try {
      const facts = await readPid1(exec);
      if (stopped) return;
      if (isPauseProcess(facts)) {
        throw new Unknown('shared-pid-namespace', 'PID 1 is the pod\'s pause process (shareProcessNamespace: true): the app is not PID 1 and gets SIGTERM itself');
      }
      o.emit({ kind: 'pid1', pod, atMs: o.nowMs(), pid1: facts });
    } catch (e) {
      if (stopped) return;
      const u = e instanceof Unknown ? e : new Unknown('failed', oneLine(e));
      if (u.reason === 'forbidden') forbidden = u.detail;
      o.emit({ kind: 'pid1-unknown', pod, atMs: o.nowMs(), reason: u.reason, detail: u.detail });
    }
  };

  const pump = (): void => {
    while (!stopped && running.size < parallel && queue.length > 0) {
      const pod = queue.shift() as string;
      const p: Promise<void> = run(pod).finally(() => {
        running.delete(p);
        pump();
      });
      running.add(p);
    }
  };

  return {
    inspect(pod) {
      if (stopped || seen.has(pod)) return;
      seen.add(pod);
      queue.push(pod);
      pump();
    },
    async idle() {
      while (running.size > 0 || queue.length > 0) await Promise.race(running);
    },
    stop() {
      stopped = true;
      queue.length = 0;
      for (const s of sockets) s.close();
      sockets.clear();
    },
  };
}

/** readPid1 tries the sh script first, then plain cat calls; what neither can read is `no-reader`. */
async function readPid1(exec: Exec): Promise<Pid1Facts> {
  const nonce = `rollcheck-${randomBytes(6).toString('hex')}`;
  const viaShell = await exec(['sh', '-c', readerScript(nonce)]);
  if (viaShell.ok) {
    const parsed = parseReaderOutput(viaShell.stdout, nonce);
    const facts = parsed ? factsFromTexts(parsed.texts, parsed.self) : null;
    if (facts) return facts;
  } else if (viaShell.reason !== 'failed') throw new Unknown(viaShell.reason, viaShell.detail);
  const facts = await readWithCat(exec);
  if (facts) return facts;
  const why = viaShell.ok ? statusText(viaShell.status) : viaShell.detail;
  throw new Unknown('no-reader', `neither \`sh\` nor \`cat\` could read /proc/1 in the container (${why}); a distroless image has neither`);
}

/** readWithCat reads PID 1 and its main thread's children with one `cat` per file (no shell, no glob, no exe). */
async function readWithCat(exec: Exec): Promise<Pid1Facts | null> {
  const cat = async (path: string): Promise<string | undefined> => {
    const r = await exec(['cat', path]);
    if (!r.ok) {
      if (r.reason !== 'failed') throw new Unknown(r.reason, r.detail);
      return undefined;
    }
    return r.status === null || r.status.status === 'Success' ? r.stdout : undefined;
  };
  const texts: ReadTexts = new Map();
  const read = async (pid: number): Promise<void> => {
    const status = await cat(`/proc/${pid}/status`);
    const cmdline = status === undefined ? undefined : await cat(`/proc/${pid}/cmdline`);
    texts.set(pid, { status, cmdline });
  };
  await read(1);
  if (texts.get(1)?.status === undefined) return null;
  for (const pid of childrenOf((await cat('/proc/1/task/1/children')) ?? '').slice(0, MAX_CHILDREN)) await read(pid);
  // `cat` is its own process, never PID 1's child, and PPid: 1 is checked on every child anyway.
  return factsFromTexts(texts, null);
}

/**
 * execInPod runs one command through pods/exec (client-node's WebSocket Exec)
 * and collects stdout and the final Status; it gives up at `deadline`.
 */
function execInPod(
  o: Pick<Pid1InspectorOptions, 'kc' | 'namespace' | 'container'> & { timeoutMs: number; sockets: Set<{ close(): void }> },
  pod: string,
  command: string[],
  deadline: number,
): Promise<ExecResult> {
  const timedOut: ExecResult = { ok: false, reason: 'timeout', detail: `no answer within ${o.timeoutMs / 1000} s` };
  const left = deadline - Date.now();
  if (left <= 0) return Promise.resolve(timedOut);
  const chunks: Buffer[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  const stderr = new Writable({ write: (_c, _e, cb) => cb() });
  return new Promise<ExecResult>((resolve) => {
    let done = false;
    let socket: { close(): void } | null = null;
    let status: k8s.V1Status | null = null;
    const finish = (r: ExecResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (socket) {
        o.sockets.delete(socket);
        socket.close();
      }
      resolve(r);
    };
    const ended = (): void => finish({ ok: true, stdout: Buffer.concat(chunks).toString('utf8'), status });
    const timer = setTimeout(() => finish(timedOut), left);
    new k8s.Exec(o.kc)
      .exec(o.namespace, pod, o.container() ?? '', command, stdout, stderr, null, false, (s) => {
        status = s;
        ended();
      })
      .then(
        (ws) => {
          if (done) return void ws.close();
          socket = ws;
          o.sockets.add(ws);
          // A server that closes without a Status (older protocols) still ends the command.
          ws.addEventListener('close', ended);
        },
        (e: unknown) => finish(connectFailure(e)),
      );
  });
}

// connectFailure reads the HTTP status out of a failed WebSocket upgrade ("Unexpected server response: 403").
function connectFailure(e: unknown): ExecResult {
  const message = oneLine(e);
  const code = /Unexpected server response: (\d+)/.exec(message)?.[1];
  if (code === '403') {
    return { ok: false, reason: 'forbidden', detail: 'pods/exec is forbidden (403): grant manifests/rbac-inspect.yaml' };
  }
  return { ok: false, reason: 'failed', detail: code ? `the API server answered ${code} to the exec` : `the exec failed (${message})` };
}

function statusText(s: k8s.V1Status | null): string {
  if (s === null) return 'no status';
  return s.message ? s.message.split('\n')[0]?.slice(0, 160) ?? '' : s.reason ?? String(s.status);
}

function oneLine(e: unknown): string {
  const m = (e as { message?: unknown; error?: { message?: unknown } } | null)?.message ?? (e as { error?: { message?: unknown } } | null)?.error?.message ?? String(e);
  return String(m).split('\n')[0]?.slice(0, 200) ?? '';
}
