import type { ClusterEvent } from '../../results/events.js';
import type { PodLike } from './pod-shape.js';
import { describeHandler, isoTime, podRevision, primaryContainer, signalOfExit, sleepMsOf } from './pod-shape.js';

/** PodTrackerOptions: the run clock reading and the event sink. */
export interface PodTrackerOptions {
  nowMs(): number;
  emit(event: ClusterEvent): void;
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
  /** alive lists the pods not yet terminating, oldest first. */
  alive(): Array<{ name: string; created: string }>;
  stop(): void;
}

interface PodMemory {
  created: string;
  started: boolean;
  ready: boolean | null;
  terminatingMs: number | null;
  graceMs: number;
  sigtermMs: number | null;
  sigtermSent: boolean;
  timer: NodeJS.Timeout | null;
  exited: boolean;
  deleted: boolean;
}

// A SIGKILL shows as exit 137 observed about one grace period after deletion;
// status reaches the API a little late, so allow this much slack either way.
const KILL_SLACK_MS = 1500;

/**
 * createPodTracker remembers each pod and emits a ClusterEvent per step it sees:
 * created, started, ready/not-ready, terminating (deletionTimestamp), exited and
 * deleted, observed; preStop, SIGTERM and SIGKILL inferred from the spec and the
 * exit code, because the API never shows a signal.
 */
export function createPodTracker(options: PodTrackerOptions): PodTracker {
  const pods = new Map<string, PodMemory>();
  const emit = options.emit;

  const sendSigterm = (name: string, m: PodMemory, capMs?: number): void => {
    if (m.sigtermSent || m.sigtermMs === null) return;
    m.sigtermSent = true;
    if (m.timer) clearTimeout(m.timer);
    m.timer = null;
    const atMs = capMs === undefined ? m.sigtermMs : Math.min(m.sigtermMs, capMs);
    m.sigtermMs = atMs;
    if (atMs > (m.terminatingMs ?? atMs)) emit({ kind: 'prestop-finished', pod: name, atMs, ok: true, inferred: true });
    emit({ kind: 'sigterm', pod: name, atMs, inferred: true });
  };

  const onTerminating = (name: string, pod: PodLike, m: PodMemory): void => {
    const atMs = options.nowMs();
    const graceS = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    m.graceMs = graceS * 1000;
    m.terminatingMs = atMs;
    const deadline = isoTime(pod.metadata?.deletionTimestamp);
    // deletionTimestamp is "now + grace" at the DELETE, so the request time is that minus grace.
    const serverTime = deadline ? isoTime(new Date(Date.parse(deadline) - m.graceMs)) : undefined;
    emit({ kind: 'pod-terminating', pod: name, atMs, graceMs: m.graceMs, reason: 'deleted', serverTime });
    const preStop = primaryContainer(pod)?.lifecycle?.preStop;
    const hook = describeHandler(preStop);
    const sleepMs = sleepMsOf(preStop) ?? 0;
    if (hook) emit({ kind: 'prestop-started', pod: name, atMs, hook, inferred: true });
    m.sigtermMs = atMs + Math.min(sleepMs, m.graceMs);
    if (m.sigtermMs <= atMs) sendSigterm(name, m);
    else m.timer = setTimeout(() => sendSigterm(name, m), m.sigtermMs - atMs);
  };

  const onExited = (name: string, m: PodMemory, term: NonNullable<NonNullable<NonNullable<PodLike['status']>['containerStatuses']>[number]['state']>['terminated']): void => {
    const atMs = options.nowMs();
    m.exited = true;
    sendSigterm(name, m, atMs);
    const exitCode = term?.exitCode ?? null;
    if (exitCode === 137 && m.terminatingMs !== null && atMs - m.terminatingMs >= m.graceMs - KILL_SLACK_MS) {
      emit({ kind: 'sigkill', pod: name, atMs: Math.min(atMs, m.terminatingMs + m.graceMs), inferred: true });
    }
    emit({
      kind: 'exited',
      pod: name,
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
    if (!name) return;
    let m = pods.get(name);
    if (!m) {
      m = { created: isoTime(pod.metadata?.creationTimestamp) ?? '', started: false, ready: null, terminatingMs: null, graceMs: 30_000, sigtermMs: null, sigtermSent: false, timer: null, exited: false, deleted: false };
      pods.set(name, m);
      const address = pod.status?.podIP;
      emit({ kind: 'pod-created', pod: name, atMs: options.nowMs(), revision: podRevision(pod), serverTime: isoTime(pod.metadata?.creationTimestamp), ...(address ? { address } : {}) });
    }
    if (m.deleted) return;
    const main = primaryContainer(pod)?.name;
    const status = pod.status?.containerStatuses?.find((c) => c.name === main) ?? pod.status?.containerStatuses?.[0];
    if (!m.started && status?.state?.running) {
      m.started = true;
      emit({ kind: 'pod-started', pod: name, atMs: options.nowMs(), serverTime: isoTime(status.state.running.startedAt) });
    }
    const cond = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (cond?.status === 'True' && m.ready !== true) {
      m.ready = true;
      emit({ kind: 'pod-ready', pod: name, atMs: options.nowMs(), serverTime: isoTime(cond.lastTransitionTime) });
    } else if (cond?.status === 'False' && m.ready === true) {
      m.ready = false;
      emit({ kind: 'pod-not-ready', pod: name, atMs: options.nowMs(), reason: cond.reason, serverTime: isoTime(cond.lastTransitionTime) });
    }
    if (pod.metadata?.deletionTimestamp && m.terminatingMs === null) onTerminating(name, pod, m);
    if (!m.exited && status?.state?.terminated) onExited(name, m, status.state.terminated);
  };

  const deleted = (pod: PodLike, inferred = false): void => {
    const name = pod.metadata?.name;
    if (!name) return;
    observe(pod);
    const m = pods.get(name);
    if (!m || m.deleted) return;
    if (m.timer) clearTimeout(m.timer);
    m.deleted = true;
    emit({ kind: 'pod-deleted', pod: name, atMs: options.nowMs(), ...(inferred ? { inferred: true } : {}) });
  };

  return {
    observe,
    deleted: (pod) => deleted(pod),
    sync(list) {
      const present = new Set<string>();
      for (const pod of list) {
        if (pod.metadata?.name) present.add(pod.metadata.name);
        observe(pod);
      }
      for (const [name, m] of pods) {
        if (!m.deleted && !present.has(name)) deleted({ metadata: { name } }, true);
      }
    },
    knows: (name) => pods.has(name),
    terminating() {
      const list = [...pods.values()].filter((m) => !m.deleted && m.terminatingMs !== null);
      return { count: list.length, maxGraceMs: Math.max(0, ...list.map((m) => m.graceMs)) };
    },
    alive: () =>
      [...pods]
        .filter(([, m]) => !m.deleted && m.terminatingMs === null)
        .map(([name, m]) => ({ name, created: m.created }))
        .sort((a, b) => a.created.localeCompare(b.created)),
    stop() {
      for (const m of pods.values()) if (m.timer) clearTimeout(m.timer);
    },
  };
}
