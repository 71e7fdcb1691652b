import type { DriverContext } from '../driver.js';
import { performance } from 'node:perf_hooks';
import { epochNowMs } from '../../results/clock.js';
import type { EndpointPropagator } from './endpoints.js';
import type { PodExit, PodHandle, PodRuntime } from './pod-runtime.js';
import { createReadinessProbe, type ReadinessProbe } from './readiness-probe.js';
import { inspectPid1 } from './pid1-inspect.js';
import { probeAfterSigterm } from './sigterm-probe.js';
import { readinessCheckOf, type LocalRuntimeSettings, type PreStopHook } from './settings.js';

/** LocalPod is one pod of the embedded runtime and everything known about it. */
export interface LocalPod {
  readonly name: string;
  readonly revision: string;
  /** seq orders pods by creation. */
  readonly seq: number;
  readonly hostIp: string;
  readonly logPath: string;
  handle?: PodHandle;
  probe?: ReadinessProbe;
  ready: boolean;
  available: boolean;
  /** everReady: passed readiness once (a pod that dies before it is a start failure). */
  everReady: boolean;
  terminating: boolean;
  sigtermAtMs: number | null;
  exit: PodExit | null;
  /** done resolves after `exited` and `pod-deleted` were emitted. */
  done: Promise<void>;
  /** hurry makes a terminating pod skip what is left of its preStop and grace (the run is ending). */
  hurry?: (killAfterMs: number) => void;
}

/** PodEnv is what pod lifecycle functions share with the driver. */
export interface PodEnv {
  ctx: DriverContext;
  settings: LocalRuntimeSettings;
  runtime: PodRuntime;
  endpoints: EndpointPropagator;
  /** onChange is called whenever readiness, availability or existence of a pod changes. */
  onChange(pod: LocalPod): void;
}

/** KUBELET_MIN_GRACE_MS is the extra time the kubelet grants after a preStop hook used up the grace period. */
export const KUBELET_MIN_GRACE_MS = 2000;

/**
 * startPod starts a pod's PID 1 and its readiness probe, emitting pod-created,
 * pod-started and (via the probe) pod-ready/pod-not-ready. It resolves once PID
 * 1 runs; `pod.done` resolves when the pod is gone for whatever reason.
 */
export async function startPod(env: PodEnv, pod: LocalPod): Promise<void> {
  const { ctx, settings } = env;
  ctx.emit({ kind: 'pod-created', pod: pod.name, revision: pod.revision, logPath: pod.logPath, atMs: ctx.clock.nowMs() });
  const handle = await env.runtime.start({
    name: pod.name,
    revision: pod.revision,
    hostIp: pod.hostIp,
    env: settings.env,
    logPath: pod.logPath,
  });
  pod.handle = handle;
  ctx.emit({ kind: 'pod-started', pod: pod.name, pid: handle.pid, atMs: ctx.clock.nowMs() });
  let availableTimer: NodeJS.Timeout | undefined;
  pod.probe = createReadinessProbe({
    host: handle.address.host,
    port: handle.address.port,
    check: readinessCheckOf(settings),
    periodMs: settings.readinessPeriodMs,
    onChange(ready, reason) {
      if (pod.terminating || pod.exit) return;
      pod.ready = ready;
      clearTimeout(availableTimer);
      if (ready) {
        const first = !pod.everReady;
        pod.everReady = true;
        ctx.emit({ kind: 'pod-ready', pod: pod.name, atMs: ctx.clock.nowMs() });
        if (first) emitPid1(env, pod.name, handle.pid);
        env.endpoints.ready({ pod: pod.name, host: handle.address.host, port: handle.address.port });
        availableTimer = setTimeout(() => {
          if (pod.ready && !pod.terminating) {
            pod.available = true;
            env.onChange(pod);
          }
        }, settings.minReadyMs);
      } else {
        pod.available = false;
        ctx.emit({ kind: 'pod-not-ready', pod: pod.name, reason: reason ?? undefined, atMs: ctx.clock.nowMs() });
        env.endpoints.notReady(pod.name, false);
      }
      env.onChange(pod);
    },
  });
  pod.done = handle.exited.then((exit) => {
    clearTimeout(availableTimer);
    pod.probe?.stop();
    pod.exit = exit;
    pod.ready = false;
    pod.available = false;
    const atMs = exitAtMs(env, exit);
    const afterSigtermMs = pod.sigtermAtMs === null ? null : round1(atMs - pod.sigtermAtMs);
    const reason = pod.terminating ? undefined : pod.everReady ? 'crashed' : 'exited before it became ready';
    ctx.emit({ kind: 'exited', pod: pod.name, exitCode: exit.exitCode, signal: exit.signal, afterSigtermMs, reason, atMs });
    // A pod that dies on its own still leaves the Service only as fast as endpoints propagate.
    if (!pod.terminating) env.endpoints.notReady(pod.name, false);
    ctx.emit({ kind: 'pod-deleted', pod: pod.name, atMs: ctx.clock.nowMs() });
    env.onChange(pod);
  });
}

/**
 * emitPid1 looks at the pod's PID 1 in /proc once it is ready (the app runs by
 * then, its signal handlers installed, a shell's child started) and records it.
 */
function emitPid1(env: PodEnv, pod: string, hostPid: number | undefined): void {
  if (hostPid === undefined) return;
  const pid1 = inspectPid1(hostPid);
  if (pid1 !== null) env.ctx.emit({ kind: 'pid1', pod, pid1, atMs: env.ctx.clock.nowMs() });
}

/** TerminateOptions: why, the grace period and preStop hook (default: the settings'). */
export interface TerminateOptions {
  reason: string;
  graceMs?: number;
  preStop?: PreStopHook;
}

/**
 * terminatePod runs the kubelet's termination sequence: mark terminating →
 * endpoint removal starts (it reaches the proxy after the endpoint delay) while
 * the preStop hook runs → SIGTERM to PID 1 → SIGKILL once the grace period,
 * counted from the start, is over → exited. Resolves when the pod is gone.
 * `pod.hurry(ms)` (the run is ending) cuts the preStop short and SIGKILLs at
 * most `ms` after SIGTERM.
 */
export async function terminatePod(env: PodEnv, pod: LocalPod, options: TerminateOptions): Promise<void> {
  const { ctx } = env;
  const handle = pod.handle;
  if (pod.terminating || pod.exit || !handle) return pod.done;
  const graceMs = options.graceMs ?? env.settings.graceMs;
  const hook = options.preStop ?? env.settings.preStop;
  pod.terminating = true;
  pod.ready = false;
  pod.available = false;
  pod.probe?.stop();
  const startPerf = performance.now();
  ctx.emit({ kind: 'pod-terminating', pod: pod.name, graceMs, reason: options.reason, atMs: ctx.clock.nowMs() });
  env.endpoints.notReady(pod.name, true);
  env.onChange(pod);

  let killAtPerf = startPerf + graceMs;
  let killTimer: NodeJS.Timeout | undefined;
  let sigtermSent = false;
  const sigkill = (): void => {
    if (pod.exit) return;
    handle.signal('SIGKILL');
    ctx.emit({ kind: 'sigkill', pod: pod.name, atMs: ctx.clock.nowMs() });
  };
  const armKill = (): void => {
    clearTimeout(killTimer);
    killTimer = setTimeout(sigkill, Math.max(0, killAtPerf - performance.now()));
  };
  const cutPreStop = new AbortController();
  const graceTimer = setTimeout(() => cutPreStop.abort(), graceMs);
  pod.hurry = (killAfterMs) => {
    killAtPerf = Math.min(killAtPerf, performance.now() + killAfterMs);
    cutPreStop.abort();
    if (sigtermSent) armKill();
  };

  if (hook.kind !== 'none') {
    const label = hook.kind === 'sleep' ? `sleep ${hook.ms / 1000}s` : hook.command;
    ctx.emit({ kind: 'prestop-started', pod: pod.name, hook: label, atMs: ctx.clock.nowMs() });
    const died = pod.done.then(() => ({ ok: false, error: 'the pod exited during the preStop hook' }));
    const result = await Promise.race([runPreStop(handle, hook, cutPreStop.signal), died]);
    if (!pod.exit) {
      const overran = performance.now() >= startPerf + graceMs;
      const error = overran ? 'the grace period ran out during the preStop hook' : result.error;
      ctx.emit({ kind: 'prestop-finished', pod: pod.name, ok: result.ok && !overran, error, atMs: ctx.clock.nowMs() });
      // A preStop hook that used up the grace period earns PID 1 two more seconds, as with the kubelet.
      if (overran) killAtPerf = Math.max(killAtPerf, performance.now() + KUBELET_MIN_GRACE_MS);
    }
  }
  if (!pod.exit) {
    handle.signal('SIGTERM');
    sigtermSent = true;
    pod.sigtermAtMs = ctx.clock.nowMs();
    ctx.emit({ kind: 'sigterm', pod: pod.name, atMs: pod.sigtermAtMs });
    armKill();
    scheduleSigtermProbe(env, pod, handle, killAtPerf - performance.now());
  }
  await pod.done;
  clearTimeout(graceTimer);
  clearTimeout(killTimer);
  // A pod that died during its preStop hook must not leave the hook (or its timer) behind.
  cutPreStop.abort();
}

// The probe goes out this long after SIGTERM (or sooner, before the SIGKILL), when there is time at all.
const SIGTERM_PROBE_AFTER_MS = 1500;
const SIGTERM_PROBE_MIN_MS = 500;
const SIGTERM_PROBE_TIMEOUT_MS = 1000;

/**
 * scheduleSigtermProbe asks the pod directly, a while after its SIGTERM, whether
 * it still accepts and answers as before: its reaction to SIGTERM, seen from
 * outside (the analysis weighs it when PID 1 alone cannot tell).
 */
function scheduleSigtermProbe(env: PodEnv, pod: LocalPod, handle: PodHandle, untilKillMs: number): void {
  // The answer must be in before the SIGKILL could cut it.
  const delayMs = Math.min(SIGTERM_PROBE_AFTER_MS, untilKillMs - SIGTERM_PROBE_TIMEOUT_MS - 200);
  if (delayMs < SIGTERM_PROBE_MIN_MS) return;
  const timer = setTimeout(() => {
    if (pod.exit || pod.sigtermAtMs === null) return;
    const sigtermAtMs = pod.sigtermAtMs;
    void probeAfterSigterm(handle.address.host, handle.address.port, readinessCheckOf(env.settings), SIGTERM_PROBE_TIMEOUT_MS).then((r) => {
      if (pod.exit) return; // it died under the probe: that says nothing about SIGTERM
      const atMs = env.ctx.clock.nowMs();
      env.ctx.emit({ kind: 'sigterm-probe', pod: pod.name, ...r, afterSigtermMs: Math.round(atMs - sigtermAtMs), atMs });
    });
  }, delayMs);
  void pod.done.then(() => clearTimeout(timer));
}

/** runPreStop runs a sleep or exec preStop hook, cut short when `signal` aborts. */
function runPreStop(handle: PodHandle, hook: PreStopHook, signal: AbortSignal): Promise<{ ok: boolean; error?: string }> {
  if (hook.kind === 'exec') {
    if (!handle.execPreStop) return Promise.resolve({ ok: false, error: 'this runtime cannot exec into a pod' });
    return handle.execPreStop(hook.command, signal);
  }
  if (hook.kind !== 'sleep') return Promise.resolve({ ok: true });
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve({ ok: true }), hook.ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve({ ok: false, error: 'cut short' });
    }, { once: true });
  });
}

/** exitAtMs places the runtime's exit time on the run clock. */
function exitAtMs(env: PodEnv, exit: PodExit): number {
  return round1(env.ctx.clock.nowMs() - Math.max(0, epochNowMs() - exit.epochMs));
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}
