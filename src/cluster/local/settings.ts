import type { PodRuntimeKind } from './pod-runtime.js';
import type { IngressSettings } from './ingress.js';
import { describeCheck, type ReadinessCheck } from './probe-checks.js';
import { describeStrategy, type ProgressiveStrategy } from './progressive-strategy.js';

/** CountOrPercent is a Deployment strategy value: an absolute count or a share of replicas. */
export type CountOrPercent = { count: number } | { percent: number };

/** LocalApp is what each pod runs: the bundled demo app behind an entrypoint, or the user's command. */
export type LocalApp =
  | { kind: 'demo'; entrypoint: 'shell' | 'exec' | 'tini' }
  | { kind: 'cmd'; command: string };

/** PdbValue is a PodDisruptionBudget's int-or-percent: a count of pods, or "N%" of the workload's scale. */
export type PdbValue = number | `${number}%`;

/**
 * PdbSpec is a PodDisruptionBudget's one rule: at most N (or N%) pods
 * disrupted, or at least N (or N%) available. It covers every pod of the
 * embedded runtime's workload, old and new revisions alike: a budget whose
 * selector is the workload's own labels.
 */
export type PdbSpec = { maxUnavailable: PdbValue } | { minAvailable: PdbValue };

/** LocalWorkloadKind is which controller owns the embedded runtime's pods: --workload's, or an Argo Rollout's with --strategy. */
export type LocalWorkloadKind = 'deployment' | 'statefulset' | 'daemonset' | 'rollout';

/** workloadKindOf tells which controller the settings make: a --strategy makes the Argo Rollout model (as `run --workload rollout/NAME` names it). */
export function workloadKindOf(s: Pick<LocalRuntimeSettings, 'ordinals' | 'daemon' | 'strategy'>): LocalWorkloadKind {
  if (s.strategy !== undefined) return 'rollout';
  return s.daemon ? 'daemonset' : s.ordinals ? 'statefulset' : 'deployment';
}

/** describePdb writes a PdbSpec as its flag does ("max-unavailable=1"). */
export function describePdb(p: PdbSpec): string {
  return 'maxUnavailable' in p ? `max-unavailable=${p.maxUnavailable}` : `min-available=${p.minAvailable}`;
}

/** PreStopHook is the pod's preStop hook, as a Deployment spec would give it. */
export type PreStopHook = { kind: 'none' } | { kind: 'sleep'; ms: number } | { kind: 'exec'; command: string };

/** LocalRuntimeSettings is everything the embedded runtime needs (read from flags by src/cli/local-flags.ts). */
export interface LocalRuntimeSettings {
  runtime: PodRuntimeKind;
  app: LocalApp;
  replicas: number;
  maxSurge: CountOrPercent;
  /**
   * ordinals makes the pods a StatefulSet's (RollingUpdate, OrderedReady): named
   * `<app>-0`…, replaced one at a time from the highest ordinal down, each deleted
   * before its replacement is created under the same name (no surge; maxSurge and
   * maxUnavailable unused), ordinals below `partition` left alone. Absent: a Deployment's.
   */
  ordinals?: { partition: number };
  /**
   * daemon makes the pods a DaemonSet's: one per node (`nodes`; replicas
   * unused), named `<app>-<5 chars>`, rolled node by node with maxUnavailable
   * (old pod gone before its replacement starts) or maxSurge (new pod first),
   * both counted over nodes; left alone by a drain.
   */
  daemon?: boolean;
  /** nodes is how many fake nodes (`node-1`…) pods are spread over (default 1). */
  nodes?: number;
  /** pdb is a PodDisruptionBudget over the pods: evictions beyond it are refused (429). */
  pdb?: PdbSpec;
  /** trafficPolicy local: the Service sends traffic only to pods on `node` (internalTrafficPolicy: Local, traffic entering there). */
  trafficPolicy?: { node: string };
  /** evictionRetryMs is how long a drain waits before retrying a refused eviction (kubectl drain: 5 s). */
  evictionRetryMs?: number;
  maxUnavailable: CountOrPercent;
  minReadyMs: number;
  /** graceMs is terminationGracePeriodSeconds, counted from the start of termination (preStop included). */
  graceMs: number;
  preStop: PreStopHook;
  /** endpointDelayMs is how long an endpoint change takes to reach the Service proxy. */
  endpointDelayMs: number;
  readinessPath: string;
  /** readiness is the probe's handler (`--readiness`); absent: an HTTP GET of readinessPath. */
  readiness?: ReadinessCheck;
  readinessPeriodMs: number;
  /** servicePort is the Service proxy's port on 127.0.0.1 (0 = a free one). */
  servicePort: number;
  /** env is extra environment for every pod (`--env K=V`). */
  env: Record<string, string>;
  rollout: 'restart';
  /** startTimeoutMs bounds how long the first pods may take to become ready. */
  startTimeoutMs: number;
  /** logDir is where pod logs go (default: a temp dir of the driver's own, removed when it stops). */
  logDir?: string;
  /** container holds the container runtimes' settings (`--image`, `--image-new`, `--port`). */
  container?: { image?: string; imageNew?: string; port?: number };
  /** ingress puts a real proxy (nginx, haproxy) in front of the pods (`--ingress`); traffic then enters through it. */
  ingress?: IngressSettings;
  /** strategy runs an Argo Rollouts canary or blue-green instead of the Deployment's rolling update (`--strategy`). */
  strategy?: ProgressiveStrategy;
}

/** DEFAULT_LOCAL_SETTINGS mirrors Kubernetes' defaults where Kubernetes has one. */
export const DEFAULT_LOCAL_SETTINGS: LocalRuntimeSettings = {
  runtime: 'process',
  app: { kind: 'demo', entrypoint: 'exec' },
  replicas: 3,
  maxSurge: { percent: 25 },
  maxUnavailable: { percent: 25 },
  minReadyMs: 0,
  graceMs: 30_000,
  preStop: { kind: 'none' },
  endpointDelayMs: 1000,
  readinessPath: '/healthz',
  readinessPeriodMs: 1000,
  servicePort: 0,
  env: {},
  rollout: 'restart',
  startTimeoutMs: 60_000,
};

/** localRuntimeParams is the runtime settings as results meta params. */
export function localRuntimeParams(s: LocalRuntimeSettings): Record<string, unknown> {
  return {
    runtime: s.runtime,
    app: describeApp(s),
    replicas: s.replicas,
    maxSurge: 'count' in s.maxSurge ? s.maxSurge.count : `${s.maxSurge.percent}%`,
    maxUnavailable: 'count' in s.maxUnavailable ? s.maxUnavailable.count : `${s.maxUnavailable.percent}%`,
    minReadyMs: s.minReadyMs,
    graceMs: s.graceMs,
    preStop: s.preStop.kind === 'none' ? null : s.preStop.kind === 'sleep' ? `sleep ${s.preStop.ms}ms` : s.preStop.command,
    endpointDelayMs: s.endpointDelayMs,
    readinessPath: s.readinessPath,
    ...(s.readiness && s.readiness.kind !== 'http' ? { readiness: describeCheck(s.readiness) } : {}),
    readinessPeriodMs: s.readinessPeriodMs,
    servicePort: s.servicePort || null,
    envKeys: Object.keys(s.env),
    rollout: s.rollout,
    image: s.container?.image ?? null,
    imageNew: s.container?.imageNew ?? null,
    workload: workloadKindOf(s),
    nodes: s.nodes ?? 1,
    ...(s.ordinals ? { partition: s.ordinals.partition } : {}),
    ...(s.pdb ? { pdb: describePdb(s.pdb) } : {}),
    ...(s.trafficPolicy ? { trafficPolicy: 'local', trafficNode: s.trafficPolicy.node } : {}),
    ...(s.ingress ? { ingress: s.ingress.kind, ingressDelayMs: s.ingress.delayMs, ingressTls: s.ingress.tls, ingressProtocol: s.ingress.protocol ?? 'http1' } : {}),
    ...(s.strategy ? { strategy: describeStrategy(s.strategy) } : {}),
  };
}

/** describeApp is a short human description of what the pods run. */
export function describeApp(settings: LocalRuntimeSettings): string {
  return settings.app.kind === 'demo' ? `demo app, ${settings.app.entrypoint} entrypoint` : settings.app.command;
}

/** readinessCheckOf is the pods' readiness check: --readiness, else a GET of --readiness-path. */
export function readinessCheckOf(settings: Pick<LocalRuntimeSettings, 'readiness' | 'readinessPath'>): ReadinessCheck {
  return settings.readiness ?? { kind: 'http', path: settings.readinessPath };
}
