/**
 * ClusterEvent is what a cluster driver reports about pods, endpoints and the
 * rollout: a tagged union, one member per lifecycle step. Times are `atMs`, ms
 * since the run's start on the run clock (see results/clock.ts). `serverTime` is
 * the API server's own timestamp when there is one (seconds precision), and
 * `inferred` marks steps the driver did not see but deduced (the kube driver
 * never sees a signal; the local runtime sends them itself).
 */
export type ClusterEvent =
  /** node: the node the pod was placed on, where the driver knows it (a cluster's spec.nodeName, the embedded runtime's fake node). */
  | PodEvent<'pod-created', { revision: string; address?: string; logPath?: string; node?: string }>
  | PodEvent<'pod-started', { pid?: number }>
  | PodEvent<'pod-ready'>
  | PodEvent<'pod-not-ready', { reason?: string }>
  | PodEvent<'pod-terminating', { graceMs: number; reason?: string }>
  | PodEvent<'endpoint-added'>
  | PodEvent<
      'endpoint-not-ready',
      {
        terminating: boolean;
        /** stillRouted: the Service keeps routing new connections to it until the endpoint-removed that follows (the embedded runtime's proxy applies changes late and says when; on a cluster routing stops as the slice turns not ready). */
        stillRouted?: boolean;
      }
    >
  | PodEvent<'endpoint-removed'>
  | PodEvent<'prestop-started', { hook: string }>
  | PodEvent<'prestop-finished', { ok: boolean; error?: string }>
  /** A sigterm with `latestMs` came at an unknown moment in [atMs, latestMs] (after an exec or httpGet preStop hook). */
  | PodEvent<'sigterm', { latestMs?: number }>
  | PodEvent<'sigkill'>
  /** force-deleted: the pod object was deleted with a grace period of 0 (`--grace-period=0 --force`); its containers may still run. */
  | PodEvent<'force-deleted', { graceMs: number }>
  | PodEvent<
      'exited',
      { exitCode: number | null; signal: string | null; afterSigtermMs: number | null; reason?: string }
    >
  | PodEvent<'pod-deleted'>
  | PodEvent<'pid1', { pid1: Pid1Facts }>
  /** pid1-unknown: the driver tried to inspect PID 1 and could not (exec forbidden, no reader in the image, timeout): the reason stays on record. */
  | PodEvent<'pid1-unknown', { reason: Pid1UnknownReason; detail: string }>
  | PodEvent<'sigterm-probe', { answered: boolean; closing: boolean; error?: string; afterSigtermMs: number }>
  | RunEvent<'rollout-started', { revision: string; trigger: string }>
  | RunEvent<'rollout-progress', RolloutCounts>
  | RunEvent<'rollout-complete', { revision: string }>
  | RunEvent<'rollout-failed', { reason: string }>
  | RunEvent<'step-started', { index: number; step: string }>
  | RunEvent<'step-finished', { index: number; step: string; ok: boolean; error?: string }>
  | RunEvent<'watch-lost', { resource: string; error: string }>
  | RunEvent<'watch-resumed', { resource: string; relisted: boolean }>
  | RunEvent<'note', { message: string }>
  | RunEvent<'runner-lost', { runner: number; name: string; reason: string; ratePerSec: number }>
  | RunEvent<'ingress', IngressEventFields>
  /** drain-started / drain-finished: a node drain (`--trigger drain=NODE`, a `drain-node` step) began and ended; evicted counts the pods it evicted. */
  | RunEvent<'drain-started', { node: string }>
  | RunEvent<'drain-finished', { node: string; ok: boolean; evicted: number; error?: string }>
  /** node-cordoned / node-uncordoned: a node was marked unschedulable (a drain's first step) or schedulable again. */
  | RunEvent<'node-cordoned', { node: string }>
  | RunEvent<'node-uncordoned', { node: string }>
  /** evicted: the Eviction API accepted the pod's eviction (201); its termination follows as in a rollout. */
  | PodEvent<'evicted', { node?: string }>
  /** eviction-refused: the Eviction API refused the eviction (429 when a PodDisruptionBudget allows no disruption now); a drain retries it. */
  | PodEvent<'eviction-refused', { status: number; pdb?: string; reason: string }>
  /** pdb-status: a PodDisruptionBudget's status as the API server reported it, at each change seen. */
  | RunEvent<
      'pdb-status',
      { name: string; disruptionsAllowed: number; currentHealthy: number; desiredHealthy: number; expectedPods: number }
    >
  /** rollout-step: a progressive rollout (Argo Rollouts canary or blue-green) began a step; each step is a segment with its own verdict. */
  | RunEvent<'rollout-step', RolloutStepFields>
  /** replicaset-scaled: a progressive rollout's ReplicaSet got a new desired count (scaleDownAtMs: when a delayed scale-down is due; ready: its ready pods, where a cluster's watch saw them). */
  | RunEvent<'replicaset-scaled', { revision: string; role: 'stable' | 'canary'; replicas: number; scaleDownAtMs?: number; ready?: number }>;

/**
 * RolloutStepFields describe one step of a progressive rollout. Canary: `index`
 * is the step's index in spec.strategy.canary.steps, `weight` the canary's share
 * the step sets (by replica counts without a traffic router). Blue-green: index
 * 0 preview (the new set scaling up, no traffic), 1 switch (the active
 * selector moved to the new set: weight 100), 2 scale-down (the old set
 * scaled down after scaleDownDelaySeconds). `abort` goes back to the stable
 * set (weight 0); `promote` ends an indefinite pause.
 */
export interface RolloutStepFields {
  strategy: 'canary' | 'blue-green';
  index: number;
  /** step is the step as the spec words it: `setWeight 25%`, `pause 5s`, `switch`. */
  step: string;
  action: 'set-weight' | 'pause' | 'promote' | 'preview' | 'switch' | 'scale-down' | 'abort';
  /** weight is the new revision's share of traffic this step aims at, in percent. */
  weight: number;
  canaryRevision: string;
  stableRevision: string;
  /** pods names the pods a scale-down or abort terminates, where known when it starts. */
  pods?: string[];
  /** seenLate: the cluster's watch showed a later step first, so this one began at an unknown moment before atMs (its segment is empty). */
  seenLate?: boolean;
}

/** IngressEventFields describe one step of the embedded ingress proxy's life (start, health, reload, stop). */
export interface IngressEventFields {
  proxy: 'nginx' | 'haproxy';
  action: 'started' | 'healthy' | 'updated' | 'stopped' | 'failed';
  /** pid of the proxy's main process, and workDir its working folder, removed at stop (on `started`). */
  pid?: number;
  workDir?: string;
  /** endpoints: the pods the proxy routes to after an update. */
  endpoints?: string[];
  /** upstreams maps each upstream address ("127.0.0.5:8080") to its pod, after an update. */
  upstreams?: Record<string, string>;
  /** how the update was applied: a config reload (nginx) or the runtime API (haproxy). */
  via?: 'reload' | 'runtime-api' | 'config';
  detail?: string;
}

/**
 * Pid1UnknownReason is why an inspection of PID 1 found nothing: `forbidden`
 * (403 on pods/exec), `no-reader` (the image has neither sh nor cat),
 * `shared-pid-namespace` (PID 1 is the pod's pause process, not the app),
 * `timeout`, or `failed` (any other error).
 */
export type Pid1UnknownReason = 'forbidden' | 'no-reader' | 'shared-pid-namespace' | 'timeout' | 'failed';

/** SigtermDisposition is what a process does with SIGTERM, read from /proc/<pid>/status (SigCgt, SigIgn, SigBlk). */
export type SigtermDisposition = 'handled' | 'ignored' | 'blocked' | 'default';

/** ProcessFacts is one process of a pod as /proc shows it. */
export interface ProcessFacts {
  /** pid as the reader saw it: the host's PID on the embedded runtime, the pod's own (1 for PID 1) through pods/exec. */
  pid: number;
  /** exe is the executable's path (/proc/<pid>/exe), null when it could not be read. */
  exe: string | null;
  argv: string[];
  sigterm: SigtermDisposition;
}

/**
 * Pid1Facts is a pod's PID 1 as the runtime inspected it once the pod was
 * ready: what it is (a shell, a known init that forwards signals, or the app
 * itself), what it does with SIGTERM, and its children. As PID 1 of a PID
 * namespace a process with SIGTERM at its default action is not terminated by
 * it: only a handler (or an init that forwards it) makes SIGTERM do anything.
 */
export interface Pid1Facts extends ProcessFacts {
  role: 'shell' | 'init' | 'app';
  children: ProcessFacts[];
}

/** ClusterEventKind is the `kind` of any cluster event. */
export type ClusterEventKind = ClusterEvent['kind'];

/** PodEventKind is the kinds that concern one pod (they carry `pod`). */
export type PodEventKind = Extract<ClusterEvent, { pod: string }>['kind'];

/** RolloutCounts is the rollout progress as `kubectl rollout status` reads it. */
export interface RolloutCounts {
  replicas: number;
  updated: number;
  ready: number;
  available: number;
}

interface EventBase {
  atMs: number;
  /** The API server's own timestamp (ISO), where the driver had one. */
  serverTime?: string;
  /** True when the driver deduced this step rather than observed or caused it. */
  inferred?: boolean;
  /** The container a step concerns, in a pod with more than one (absent: the app container). */
  container?: string;
}

type PodEvent<K extends string, X = unknown> = EventBase & {
  kind: K;
  pod: string;
  /** podUid tells two pods of one name apart (a StatefulSet's replacement keeps the name); absent where the driver has none and in older files. */
  podUid?: string;
} & X;
type RunEvent<K extends string, X = unknown> = EventBase & { kind: K } & X;

/** isPodEvent tells whether an event concerns one pod. */
export function isPodEvent(e: ClusterEvent): e is Extract<ClusterEvent, { pod: string }> {
  return 'pod' in e && typeof (e as { pod?: unknown }).pod === 'string';
}

/** EVENT_LABEL is the short human wording of each event kind, for summaries and the dashboard. */
export const EVENT_LABEL: Record<ClusterEventKind, string> = {
  'pod-created': 'created',
  'pod-started': 'started',
  'pod-ready': 'ready',
  'pod-not-ready': 'not ready',
  'pod-terminating': 'terminating',
  'endpoint-added': 'endpoint added',
  'endpoint-not-ready': 'endpoint not ready',
  'endpoint-removed': 'endpoint removed',
  'prestop-started': 'preStop started',
  'prestop-finished': 'preStop finished',
  sigterm: 'SIGTERM',
  sigkill: 'SIGKILL',
  'force-deleted': 'force deleted',
  exited: 'exited',
  'pod-deleted': 'deleted',
  pid1: 'PID 1 inspected',
  'pid1-unknown': 'PID 1 not inspected',
  'sigterm-probe': 'probed after SIGTERM',
  'rollout-started': 'rollout started',
  'rollout-progress': 'rollout progress',
  'rollout-complete': 'rollout complete',
  'rollout-failed': 'rollout failed',
  'step-started': 'step started',
  'step-finished': 'step finished',
  'watch-lost': 'watch lost',
  'watch-resumed': 'watch resumed',
  note: 'note',
  ingress: 'ingress',
  'runner-lost': 'runner lost',
  'drain-started': 'drain started',
  'drain-finished': 'drain finished',
  'node-cordoned': 'node cordoned',
  'node-uncordoned': 'node uncordoned',
  evicted: 'evicted',
  'eviction-refused': 'eviction refused',
  'pdb-status': 'PDB status',
  'rollout-step': 'rollout step',
  'replicaset-scaled': 'ReplicaSet scaled',
};
