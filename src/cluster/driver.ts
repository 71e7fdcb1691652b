import type { Clock } from '../results/clock.js';
import type { ClusterEvent } from '../results/events.js';
import type { ClusterTarget } from '../results/types.js';

/**
 * DriverTraits is what the run must know about a driver besides its methods,
 * each a property rather than a check of the driver's name (absent = false).
 */
export interface DriverTraits {
  /** runnersInCluster: `--runners N` runs its runners next to the pods (a Job), in a network this machine may not reach, so the run cannot probe the URL itself. */
  runnersInCluster?: boolean;
  /** userFrontDoor: the URL is a front door the user chose (an Ingress, a load balancer), not one the driver built, so a proxy found there is news worth saying on stderr. */
  userFrontDoor?: boolean;
}

/**
 * ClusterDriver is the seam between rollcheck and whatever runs the pods: the
 * embedded runtime (`local/`) or a real cluster (`kube/`), each registered by
 * name in `registry.ts`. It knows nothing of HTTP traffic; it only starts,
 * triggers, waits, stops, and emits ClusterEvents.
 */
export interface ClusterDriver {
  /** traits: what the run needs to know about this driver (see DriverTraits). */
  readonly traits: DriverTraits;
  /** start brings the target to a steady, fully-ready state and returns where traffic goes. */
  start(signal?: AbortSignal): Promise<DriverTarget>;
  /** triggerRollout starts a rolling update; it resolves once the rollout has begun. */
  triggerRollout(trigger: RolloutTrigger): Promise<void>;
  /** waitForRollout resolves when the rollout completes, fails or times out. */
  waitForRollout(timeoutMs: number, signal?: AbortSignal): Promise<RolloutOutcome>;
  /** stop tears everything down that start made; idempotent, never throws for a second call. */
  stop(): Promise<void>;
}

/** PodKiller is an optional ability of a driver: delete one pod as `kubectl delete pod` would. */
export interface PodKiller {
  killPod(request: KillPodRequest): Promise<string>;
}

/** Scaler is an optional ability of a driver: change the replica count. */
export interface Scaler {
  scale(replicas: number): Promise<void>;
}

/**
 * NodeDrainer is an optional ability of a driver: drain one node as `kubectl
 * drain NODE --ignore-daemonsets` does: cordon it (node-cordoned), then evict
 * each of its pods but DaemonSets' through the Eviction API (evicted), retrying
 * a refused eviction (eviction-refused, 429 when a PodDisruptionBudget forbids
 * it) every `retryMs` until `timeoutMs`; drain-started and drain-finished frame it.
 */
export interface NodeDrainer {
  /** nodes lists the nodes pods run on, in name order. */
  listNodes(): Promise<string[]>;
  drainNode(request: DrainRequest, signal?: AbortSignal): Promise<DrainOutcome>;
}

/** DrainRequest names the node to drain and how long to keep retrying refused evictions. */
export interface DrainRequest {
  node: string;
  timeoutMs: number;
  /** retryMs is the wait between tries of a refused eviction (kubectl drain: 5 s). */
  retryMs?: number;
}

/** DrainOutcome is how a drain ended: every pod evicted (ok), or the error (timeout, abort) with how many were. */
export interface DrainOutcome {
  ok: boolean;
  evicted: number;
  error?: string;
}

/** KillPodRequest names which pod to kill and how. */
export interface KillPodRequest {
  which: 'random' | 'oldest' | 'newest' | { name: string };
  signal?: 'SIGTERM' | 'SIGKILL';
  graceMs?: number;
}

/** DriverTarget is where traffic goes and what the driver found, for the results' meta. */
export interface DriverTarget {
  url: string;
  /** Human-readable facts for the run header and results meta (no credentials, ever). */
  facts: Record<string, string | number | boolean | null>;
  warnings: string[];
  /** cluster: what the pods run on, for the results' meta.cluster (the registry stamps the driver's name). */
  cluster?: ClusterTarget;
  /** caPem / caPath: a CA the traffic must trust for `url` (the one an --ingress-tls run made). */
  caPem?: string;
  caPath?: string;
}

/** RolloutTrigger is how a rollout is started. */
export type RolloutTrigger =
  | { kind: 'restart' }
  | { kind: 'image'; container?: string; image: string }
  | { kind: 'cmd'; command: string }
  | { kind: 'none' };

/** RolloutOutcome is how a rollout ended. */
export type RolloutOutcome =
  | { status: 'complete'; atMs: number }
  | { status: 'failed'; atMs: number; reason: string }
  | { status: 'timeout'; atMs: number; reason: string }
  | { status: 'aborted'; atMs: number };

/** DriverContext is what every driver is built with: the run clock and the event sink. */
export interface DriverContext {
  clock: Clock;
  emit(event: ClusterEvent): void;
}

/** hasPodKiller tells whether a driver can kill pods. */
export function hasPodKiller(d: ClusterDriver): d is ClusterDriver & PodKiller {
  return typeof (d as Partial<PodKiller>).killPod === 'function';
}

/** hasNodeDrainer tells whether a driver can drain nodes. */
export function hasNodeDrainer(d: ClusterDriver): d is ClusterDriver & NodeDrainer {
  return typeof (d as Partial<NodeDrainer>).drainNode === 'function';
}

/** hasScaler tells whether a driver can scale. */
export function hasScaler(d: ClusterDriver): d is ClusterDriver & Scaler {
  return typeof (d as Partial<Scaler>).scale === 'function';
}
