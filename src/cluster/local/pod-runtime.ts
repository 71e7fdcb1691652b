/**
 * The PodRuntime seam: how the embedded runtime starts one pod and signals it.
 * The rolling-update controller, readiness probes, Service proxy and the
 * termination sequence live above this seam and are the same for every
 * runtime; a runtime only knows how to run one "container" (a process in its
 * own PID namespace, or a real podman/docker container) and how to signal its
 * PID 1. A runtime never emits cluster events and never times anything: the
 * driver does, from what the handle reports.
 */

/** PodRuntimeKind names a runtime, as `--runtime` spells it. */
export type PodRuntimeKind = 'process' | 'podman' | 'docker';

/** PodSignal is what the kubelet sends to a container's PID 1. */
export type PodSignal = 'SIGTERM' | 'SIGKILL';

/** PodSpec is everything a runtime needs to start one pod. */
export interface PodSpec {
  /** name is the pod name (`demo-<rev hash>-<5 chars>`); also POD_NAME in the pod's environment. */
  name: string;
  /** revision is the rollout revision hash the pod belongs to (old vs new image/command). */
  revision: string;
  /**
   * hostIp is a loopback address reserved for this pod (127.x.y.z). The process
   * runtime binds the app to it; a container runtime may publish on it or on
   * 127.0.0.1 — the handle's `address` says where the pod really answers.
   */
  hostIp: string;
  /**
   * env is the pod's extra environment (user `--env K=V`, DEMO_* knobs). The
   * runtime adds HOST, PORT and POD_NAME itself, as the app sees them inside
   * the pod (for a container: HOST=0.0.0.0 and the container port).
   */
  env: Record<string, string>;
  /** logPath is the file the pod's stdout and stderr are appended to (the driver reports it). */
  logPath: string;
}

/** PodExit is how a pod's PID 1 ended, as a container status reports it. */
export interface PodExit {
  /** exitCode is the container exit code: the process's own code, or 128 + signal number (137 after SIGKILL). */
  exitCode: number | null;
  /** signal is the signal that ended PID 1 ('SIGKILL'), or null when it exited by itself. */
  signal: string | null;
  /** epochMs is when the runtime saw the exit (performance.timeOrigin + performance.now()). */
  epochMs: number;
}

/** PreStopResult is the outcome of a preStop exec hook. */
export interface PreStopResult {
  ok: boolean;
  /** error says why it failed (exit code, not found, aborted), one line. */
  error?: string;
}

/**
 * PodHandle is one started pod. `start` resolves once PID 1 runs (not once the
 * app is ready: readiness is the driver's probe's business).
 */
export interface PodHandle {
  readonly name: string;
  /** address is where the pod's app answers from the host (what the proxy and the probe dial). */
  readonly address: { host: string; port: number };
  /** pid is PID 1 of the pod as the host sees it, when the runtime knows it (for `pod-started`). */
  readonly pid?: number;
  /**
   * signal sends `sig` to the pod's PID 1 (never to a launcher such as
   * `unshare` or `podman`). It does not wait. Sending to an exited pod is a no-op.
   */
  signal(sig: PodSignal): void;
  /** exited resolves once, when PID 1 is gone and every process of the pod with it. It never rejects. */
  readonly exited: Promise<PodExit>;
  /**
   * execPreStop runs a preStop exec hook inside the pod (`sh -c command`) and
   * resolves when it ends; the `signal` aborts it (grace period over). Absent
   * when the runtime cannot exec into a pod (the driver then reports the hook
   * as failed, as the kubelet would).
   */
  execPreStop?(command: string, signal: AbortSignal): Promise<PreStopResult>;
  /** pids lists the host PIDs of every process of the pod still alive (for leak checks), when known. */
  pids?(): number[];
}

/** PodRuntime starts pods of one kind and cleans up after them. */
export interface PodRuntime {
  readonly kind: PodRuntimeKind;
  /** check fails with a UsageError (problem; fix) when this runtime cannot run pods on this machine. */
  check(): Promise<void>;
  /**
   * start runs one pod. It rejects (UsageError for the user's mistakes) when
   * PID 1 could not even be started; an app that starts and then exits is
   * reported through `exited` instead.
   */
  start(spec: PodSpec): Promise<PodHandle>;
  /**
   * cleanupAll SIGKILLs every pod this runtime started that is still alive
   * (process groups, containers) and waits until they are gone. Idempotent;
   * used on failure and Ctrl-C paths, after the graceful sequence.
   */
  cleanupAll(): Promise<void>;
  /**
   * useImageForNextRevision checks `image` and makes every revision not seen
   * yet run it: an image rollout. Only container runtimes have images.
   */
  useImageForNextRevision?(image: string): Promise<void>;
}
