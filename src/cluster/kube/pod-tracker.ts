import type { ClusterEvent } from '../../results/events.js';
import type { PodLike } from './pod-shape.js';
import type { ContainerLike } from './pod-shape.js';
import { appContainerOf, describeHandler, isoTime, podRevision, sidecarsOf, signalOfExit, sleepMsOf } from './pod-shape.js';

/** PodTrackerOptions: the run clock reading and the event sink. */
export interface PodTrackerOptions {
  nowMs(): number;
  emit(event: ClusterEvent): void;
  /** appContainer names the container that serves the Service (known after the pre-flight); default: the first. */
  appContainer?(): string | undefined;
}

/** PodTracker turns successive Pod objects into ClusterEvents, inferring what the API cannot show. */
export interface PodTracker {
  observe(pod: PodLike): void;
  deleted(pod: PodLike): void;
  /** sync is a full list: pods missing from it were deleted while the watch was away. */
  sync(pods: PodLike[]): void;
  knows(name: string): boolean;
  /** terminating counts pods being deleted that are not gone yet, and the longest grace among them. */
  terminating(): { count: number; maxGraceMs: number };
  /** alive lists the pods not yet terminating, oldest first, with whether each is ready and its node. */
  alive(): Array<{ name: string; created: string; ready: boolean; node?: string }>;
  stop(): void;
}

interface PodMemory {
  /** uid is the pod object's UID: a StatefulSet's replacement has the same name and a new one. */
  uid?: string;
  name: string;
  created: string;
  started: boolean;
  ready: boolean | null;
  terminatingMs: number | null;
  graceMs: number;
  sigtermMs: number | null;
  sigtermSent: boolean;
  /** sigtermUnknown: an exec or httpGet preStop ran first, so SIGTERM came at an unknown moment before sigtermMs. */
  sigtermUnknown: boolean;
  force: boolean;
  /** containersExited names the other containers whose exit was reported. */
  containersExited: Set<string>;
  timer: NodeJS.Timeout | null;
  exited: boolean;
  deleted: boolean;
  /** node is spec.nodeName, once the pod is placed. */
  node?: string;
  /** disrupted: the pod's DisruptionTarget condition was seen. */
  disrupted: boolean;
  /** announced: pod-created was emitted (held back while the pod waits for the scheduler, so that it names the node). */
  announced: boolean;
}

// unbound: a pod the scheduler has not placed yet (a watch sees a new pod before its binding): no node to name.
const unbound = (pod: PodLike): boolean => pod.status?.phase === 'Pending' && !pod.spec?.nodeName && !pod.status?.startTime && !pod.metadata?.deletionTimestamp;

// A SIGKILL shows as exit 137 observed about one grace period after deletion;
// status reaches the API a little late, so allow this much slack either way.
const KILL_SLACK_MS = 1500;

// How far the API server's clock may be ahead of this machine's before a condition "before the run" is believed.
const CLOCK_SKEW_MS = 2000;

/** EVICTION_API_REASON is the DisruptionTarget reason the API server writes on a pod it admitted an eviction of (pkg/registry/core/pod/storage/eviction.go). */
export const EVICTION_API_REASON = 'EvictionByEvictionAPI';

/**
 * createPodTracker remembers each pod and emits a ClusterEvent per step it sees:
 * created, started, ready/not-ready, terminating (deletionTimestamp), exited and
 * deleted, observed; preStop, SIGTERM and SIGKILL inferred from the spec and the
 * exit code, because the API never shows a signal.
 */
export function createPodTracker(options: PodTrackerOptions): PodTracker {
  // Keyed by UID where the pod has one: a new pod under an old name is a new pod.
  const pods = new Map<string, PodMemory>();
  const emit = options.emit;
  const keyOf = (pod: PodLike): string | undefined => pod.metadata?.uid ?? pod.metadata?.name;
  const ids = (name: string, m: PodMemory): { pod: string; podUid?: string } => (m.uid ? { pod: name, podUid: m.uid } : { pod: name });

  const sendSigterm = (name: string, m: PodMemory, capMs?: number): void => {
    if (m.sigtermSent || m.sigtermMs === null) return;
    m.sigtermSent = true;
    if (m.timer) clearTimeout(m.timer);
    m.timer = null;
    const atMs = capMs === undefined ? m.sigtermMs : Math.min(m.sigtermMs, capMs);
    m.sigtermMs = atMs;
    if (m.sigtermUnknown && m.terminatingMs !== null) {
      // The API never shows when an exec/httpGet hook ended: SIGTERM is an interval, not a moment.
      emit({ kind: 'sigterm', ...ids(name, m), atMs: m.terminatingMs, latestMs: atMs, inferred: true });
      return;
    }
    if (atMs > (m.terminatingMs ?? atMs)) emit({ kind: 'prestop-finished', ...ids(name, m), atMs, ok: true, inferred: true });
    emit({ kind: 'sigterm', ...ids(name, m), atMs, inferred: true });
  };

  // The API server marks an admitted eviction on the pod (DisruptionTarget, EvictionByEvictionAPI) before deleting it:
  // the one sign of an eviction someone else asked for. Other reasons (preemption, taint manager, kubelet) are not the Eviction API's.
  // A pod first seen already carrying it was disrupted before the run (its condition is older than the run's clock):
  // that is a fact of the start, not an eviction during the run.
  const onDisruption = (name: string, m: PodMemory, c: NonNullable<NonNullable<PodLike['status']>['conditions']>[number], firstSight: boolean): void => {
    m.disrupted = true;
    const serverTime = isoTime(c.lastTransitionTime);
    const runStartEpochMs = Date.now() - options.nowMs();
    const before = firstSight && serverTime !== undefined && Date.parse(serverTime) < runStartEpochMs - CLOCK_SKEW_MS;
    if (c.reason !== EVICTION_API_REASON || before) {
      const what = before ? `already disrupted when the run began (DisruptionTarget ${c.reason ?? ''} since ${serverTime})` : `DisruptionTarget ${c.reason ?? ''}`;
      emit({ kind: 'note', atMs: options.nowMs(), message: `${name}: ${what} (${c.message ?? ''})`, serverTime });
      return;
    }
    emit({ kind: 'evicted', ...ids(name, m), atMs: options.nowMs(), ...(m.node ? { node: m.node } : {}), serverTime });
  };

  const app = (pod: PodLike): ContainerLike | undefined => appContainerOf(pod.spec?.containers, undefined, options.appContainer?.()) ?? pod.spec?.containers?.[0];

  const onTerminating = (name: string, pod: PodLike, m: PodMemory): void => {
    const atMs = options.nowMs();
    const graceS = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    m.graceMs = graceS * 1000;
    m.terminatingMs = atMs;
    const deadline = isoTime(pod.metadata?.deletionTimestamp);
    // deletionTimestamp is "now + grace" at the DELETE, so the request time is that minus grace.
    const serverTime = deadline ? isoTime(new Date(Date.parse(deadline) - m.graceMs)) : undefined;
    if (m.graceMs === 0) {
      // A force delete removes the object at once; the kubelet kills the containers later, unseen. Not a SIGKILL at the grace period.
      m.force = true;
      emit({ kind: 'pod-terminating', ...ids(name, m), atMs, graceMs: 0, reason: 'force-deleted', serverTime });
      emit({ kind: 'force-deleted', ...ids(name, m), atMs, graceMs: 0, serverTime });
      return;
    }
    emit({ kind: 'pod-terminating', ...ids(name, m), atMs, graceMs: m.graceMs, reason: 'deleted', serverTime });
    const preStop = app(pod)?.lifecycle?.preStop;
    const hook = describeHandler(preStop);
    const knownMs = sleepMsOf(preStop);
    if (hook) emit({ kind: 'prestop-started', ...ids(name, m), atMs, hook, inferred: true });
    // An unknown hook may run until the grace period is over; the exit, if sooner, bounds it.
    m.sigtermUnknown = hook !== null && knownMs === null;
    m.sigtermMs = atMs + (m.sigtermUnknown ? m.graceMs : Math.min(knownMs ?? 0, m.graceMs));
    if (m.sigtermMs <= atMs) sendSigterm(name, m);
    else m.timer = setTimeout(() => sendSigterm(name, m), m.sigtermMs - atMs);
  };

  const onExited = (name: string, m: PodMemory, term: NonNullable<NonNullable<NonNullable<PodLike['status']>['containerStatuses']>[number]['state']>['terminated']): void => {
    const atMs = options.nowMs();
    m.exited = true;
    sendSigterm(name, m, atMs);
    const exitCode = term?.exitCode ?? null;
    if (exitCode === 137 && !m.force && m.terminatingMs !== null && atMs - m.terminatingMs >= m.graceMs - KILL_SLACK_MS) {
      emit({ kind: 'sigkill', ...ids(name, m), atMs: Math.min(atMs, m.terminatingMs + m.graceMs), inferred: true });
    }
    emit({
      kind: 'exited',
      ...ids(name, m),
      atMs,
      exitCode,
      signal: signalOfExit(term?.exitCode, term?.signal),
      afterSigtermMs: m.sigtermMs === null ? null : Math.max(0, atMs - m.sigtermMs),
      reason: term?.reason,
      serverTime: isoTime(term?.finishedAt),
    });
  };

  const observe = (pod: PodLike): void => {
    const name = pod.metadata?.name;
    const key = keyOf(pod);
    if (!name || !key) return;
    let m = pods.get(key);
    if (!m) {
      m = {
        ...(pod.metadata?.uid ? { uid: pod.metadata.uid } : {}),
        name,
        created: isoTime(pod.metadata?.creationTimestamp) ?? '',
        started: false,
        ready: null,
        terminatingMs: null,
        graceMs: 30_000,
        sigtermMs: null,
        sigtermSent: false,
        sigtermUnknown: false,
        force: false,
        containersExited: new Set(),
        timer: null,
        exited: false,
        deleted: false,
        disrupted: false,
        announced: false,
      };
      pods.set(key, m);
    }
    const firstSight = !m.announced;
    if (!m.announced) {
      if (unbound(pod)) return;
      announce(name, pod, m);
    }
    if (m.deleted) return;
    m.node ??= pod.spec?.nodeName;
    const main = app(pod)?.name;
    const status = pod.status?.containerStatuses?.find((c) => c.name === main) ?? pod.status?.containerStatuses?.[0];
    observeSidecars(name, pod, m, main);
    if (!m.started && status?.state?.running) {
      m.started = true;
      emit({ kind: 'pod-started', ...ids(name, m), atMs: options.nowMs(), serverTime: isoTime(status.state.running.startedAt) });
    }
    const cond = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (cond?.status === 'True' && m.ready !== true) {
      m.ready = true;
      emit({ kind: 'pod-ready', ...ids(name, m), atMs: options.nowMs(), serverTime: isoTime(cond.lastTransitionTime) });
    } else if (cond?.status === 'False' && m.ready === true) {
      m.ready = false;
      emit({ kind: 'pod-not-ready', ...ids(name, m), atMs: options.nowMs(), reason: cond.reason, serverTime: isoTime(cond.lastTransitionTime) });
    }
    const disruption = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');
    if (disruption && !m.disrupted) onDisruption(name, m, disruption, firstSight);
    if (pod.metadata?.deletionTimestamp && m.terminatingMs === null) onTerminating(name, pod, m);
    if (!m.exited && status?.state?.terminated) onExited(name, m, status.state.terminated);
  };

  const announce = (name: string, pod: PodLike, m: PodMemory): void => {
    m.announced = true;
    const address = pod.status?.podIP;
    const node = pod.spec?.nodeName;
    emit({ kind: 'pod-created', ...ids(name, m), atMs: options.nowMs(), revision: podRevision(pod), serverTime: isoTime(pod.metadata?.creationTimestamp), ...(address ? { address } : {}), ...(node ? { node } : {}) });
  };

  // Each other container's exit is its own event: a proxy that exits before the app is the sidecar race.
  const observeSidecars = (name: string, pod: PodLike, m: PodMemory, main: string | undefined): void => {
    const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
    for (const container of sidecarsOf(pod, main)) {
      const term = statuses.find((c) => c.name === container)?.state?.terminated;
      if (!term || m.containersExited.has(container)) continue;
      m.containersExited.add(container);
      emit({
        kind: 'exited',
        ...ids(name, m),
        container,
        atMs: options.nowMs(),
        exitCode: term.exitCode ?? null,
        signal: signalOfExit(term.exitCode, term.signal),
        afterSigtermMs: null,
        reason: term.reason,
        serverTime: isoTime(term.finishedAt),
      });
    }
  };

  const deleted = (pod: PodLike, inferred = false): void => {
    const name = pod.metadata?.name;
    if (!name) return;
    observe(pod);
    const m = pods.get(keyOf(pod) ?? name);
    if (!m || m.deleted) return;
    // A pod deleted before it was ever placed still shows as created, then deleted.
    if (!m.announced) announce(name, pod, m);
    if (m.timer) clearTimeout(m.timer);
    m.deleted = true;
    emit({ kind: 'pod-deleted', ...ids(name, m), atMs: options.nowMs(), ...(inferred ? { inferred: true } : {}) });
  };

  return {
    observe,
    deleted: (pod) => deleted(pod),
    sync(list) {
      const present = new Set<string>();
      for (const pod of list) {
        const key = keyOf(pod);
        if (key) present.add(key);
        observe(pod);
      }
      for (const [key, m] of pods) {
        if (!m.deleted && !present.has(key)) deleted({ metadata: { name: m.name, ...(m.uid ? { uid: m.uid } : {}) } }, true);
      }
    },
    knows: (name) => [...pods.values()].some((m) => m.name === name),
    terminating() {
      const list = [...pods.values()].filter((m) => !m.deleted && m.terminatingMs !== null);
      return { count: list.length, maxGraceMs: Math.max(0, ...list.map((m) => m.graceMs)) };
    },
    alive: () =>
      [...pods.values()]
        .filter((m) => !m.deleted && m.terminatingMs === null)
        .map((m) => ({ name: m.name, created: m.created, ready: m.ready === true, ...(m.node ? { node: m.node } : {}) }))
        .sort((a, b) => a.created.localeCompare(b.created)),
    stop() {
      for (const m of pods.values()) if (m.timer) clearTimeout(m.timer);
    },
  };
}
