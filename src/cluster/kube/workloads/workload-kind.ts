import type { ClusterEvent, RolloutCounts } from '../../../results/events.js';
import type { KubeApi } from '../kube-api.js';
import type { WatchedObject } from '../resource-watch.js';

/**
 * WorkloadLike is what every workload kind's object has in common: its
 * metadata, the selector of its pods and their template (typed or raw JSON).
 */
export interface WorkloadLike extends WatchedObject {
  metadata?: { name?: string; uid?: string; generation?: number; resourceVersion?: string; annotations?: Record<string, string> };
  spec?: {
    replicas?: number;
    paused?: boolean;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown };
  };
}

/** RolloutState is what `kubectl rollout status` would say about a workload right now. */
export type RolloutState =
  | { state: 'waiting'; message: string }
  | { state: 'complete'; message: string }
  | { state: 'failed'; message: string };

/** RolloutTrigger on a workload: what the kind itself does (`cmd=` and `none` are the driver's). */
export type WorkloadTrigger = { kind: 'restart' } | { kind: 'image'; container?: string; image: string };

/** WorkloadRollout is a started rollout: the generation to wait for (null: any newer one) and how it was started. */
export interface WorkloadRollout {
  generation: number | null;
  description: string;
}

/**
 * WorkloadKind is one kind of workload the kube driver can roll (Deployment
 * first; StatefulSet, DaemonSet, Argo Rollout later). The driver knows only
 * this interface: find the object, pre-flight it, trigger a rollout, read its
 * progress and decide its completion as `kubectl rollout status` does for
 * that kind. Pods are found by the object's selector and followed by the
 * driver, whatever the kind.
 */
export interface WorkloadKind<W extends WorkloadLike = WorkloadLike> {
  /** kind is its name in `kind/NAME` and in the results' meta.cluster.workload ('deployment'). */
  readonly kind: string;
  /** resource is its API resource, for RBAC messages and watch events ('deployments'). */
  readonly resource: string;
  /** find reads the object; a missing one is a UsageError naming those there are. */
  find(api: KubeApi, name: string): Promise<W>;
  /** collectionPath is the watch path of the kind in the api's namespace. */
  collectionPath(api: KubeApi): string;
  /** list lists the one object named `name` (a field selector), for the watch's list-then-watch. */
  list(api: KubeApi, name: string): Promise<{ items: W[]; resourceVersion: string }>;
  /** preflight refuses (UsageError) an object that is not settled enough to roll (a rollout still going, say). */
  preflight(w: W, namespace: string): void;
  /** describe is the facts (replicas, strategy, grace period, …) and warnings for the run header and results. */
  describe(w: W, appContainer?: string): { facts: Record<string, string | number | boolean | null>; warnings: string[] };
  /** checkTrigger refuses, before any traffic, a trigger that cannot roll this object (UsageError). */
  checkTrigger(w: W, trigger: WorkloadTrigger): void;
  /** trigger starts a rollout as kubectl does for this kind. */
  trigger(api: KubeApi, w: W, trigger: WorkloadTrigger): Promise<WorkloadRollout>;
  /** progress is the replica counts of the object's status, for rollout-progress events. */
  progress(w: W): RolloutCounts;
  /** state decides the rollout as `kubectl rollout status` does for this kind. */
  state(w: W): RolloutState;
  /** revision names the revision a completed rollout reached. */
  revision(w: W): string;
  /** scale changes the replica count (a scenario's scale step). */
  scale(api: KubeApi, name: string, replicas: number): Promise<void>;
  /** events turns a change of the object into timeline events of its own (an Argo Rollout's steps); absent: none. */
  events?(before: W | null, after: W, atMs: number): ClusterEvent[];
}
