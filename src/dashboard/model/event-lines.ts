import { EVENT_LABEL, isPodEvent, type ClusterEvent } from '../../results/events.js';
import type { FailureKind, FailureRecord } from '../../results/types.js';
import { ellipsize, formatSpan } from './format.js';
import { KIND_STYLE } from '../../results/kind-style.js';
import type { ConnectionNote } from '../../results/live.js';
import { connectionLines } from './connection-lines.js';
import { findIncarnations, labelAt, labelFailures, labelIncarnations } from '../../analysis/incarnations.js';

/** LogLine is one line of the event log: a cluster event or a burst of failures. */
export interface LogLine {
  atMs: number;
  text: string;
  tone: 'event' | 'failure' | 'warn';
}

/** FailureBurst is failures of one kind on one pod (or none) with no gap longer than BURST_GAP_MS. */
export interface FailureBurst {
  startMs: number;
  endMs: number;
  kind: FailureKind;
  pod?: string;
  count: number;
}

/** BURST_GAP_MS is the quiet time that ends a burst. */
export const BURST_GAP_MS = 1000;
// How far back a burst without a pod looks for a pod event to relate to.
const NEAR_ANY_POD_MS = 5000;
// An exit this soon after a SIGKILL is that kill.
const KILL_EXIT_MS = 200;
// Lifecycle steps a burst is told relative to (the ones that explain failures), as nouns.
const CAUSE_NOUN: Partial<Record<ClusterEvent['kind'], string>> = {
  'pod-created': 'creation',
  'pod-ready': 'ready',
  'pod-not-ready': 'not ready',
  'pod-terminating': 'terminating',
  'endpoint-removed': 'endpoint removal',
  'prestop-started': 'preStop start',
  'prestop-finished': 'preStop end',
  sigterm: 'SIGTERM',
  sigkill: 'SIGKILL',
  exited: 'exit',
};
// The log skips steps that are noise at a glance (progress has its own line).
const QUIET = new Set<ClusterEvent['kind']>([
  'rollout-progress',
  'pod-started',
  'endpoint-added',
  'endpoint-not-ready',
]);

/** failureBursts groups failures (any order) into bursts by kind and pod, oldest first. */
export function failureBursts(failures: readonly FailureRecord[]): FailureBurst[] {
  const sorted = [...failures].sort((a, b) => a.endAtMs - b.endAtMs);
  const open = new Map<string, FailureBurst>();
  const done: FailureBurst[] = [];
  for (const f of sorted) {
    const key = `${f.kind}\u0000${f.pod ?? ''}`;
    const b = open.get(key);
    if (b && f.endAtMs - b.endMs <= BURST_GAP_MS) {
      b.count += 1;
      b.endMs = f.endAtMs;
      continue;
    }
    if (b) done.push(b);
    open.set(key, { startMs: f.endAtMs, endMs: f.endAtMs, kind: f.kind, pod: f.pod, count: 1 });
  }
  done.push(...open.values());
  return done.sort((a, b) => a.startMs - b.startMs);
}

/** describeBurst words a burst against the pod step just before it: "12 reset, demo-7f…: 0.4s after SIGKILL". */
export function describeBurst(
  b: FailureBurst,
  events: readonly ClusterEvent[],
  podWidth: number,
  capped: boolean,
): string {
  const count = `${b.count}${capped ? '+' : ''} ${KIND_STYLE[b.kind].short}`;
  const cause = causeBefore(b, events);
  if (b.pod !== undefined) {
    const head = `${count}, ${ellipsize(b.pod, podWidth)}`;
    return cause
      ? `${head}: ${formatSpan(b.startMs - cause.atMs)} after ${CAUSE_NOUN[cause.kind] ?? cause.kind}`
      : head;
  }
  if (!cause) return count;
  return `${count}: ${formatSpan(b.startMs - cause.atMs)} after ${CAUSE_NOUN[cause.kind] ?? cause.kind} of ${ellipsize(cause.pod, podWidth)}`;
}

function causeBefore(
  b: FailureBurst,
  events: readonly ClusterEvent[],
): Extract<ClusterEvent, { pod: string }> | undefined {
  let best: Extract<ClusterEvent, { pod: string }> | undefined;
  for (const e of events) {
    if (!isPodEvent(e) || CAUSE_NOUN[e.kind] === undefined || e.atMs > b.startMs) continue;
    if (b.pod !== undefined ? e.pod !== b.pod : b.startMs - e.atMs > NEAR_ANY_POD_MS) continue;
    if (!best || e.atMs >= best.atMs) best = e;
  }
  // An exit right after a SIGKILL is the kill's doing: name the kill.
  if (best?.kind === 'exited') {
    const exit = best;
    const kill = events.find(
      (e) =>
        e.kind === 'sigkill' &&
        e.pod === exit.pod &&
        exit.atMs - e.atMs >= 0 &&
        exit.atMs - e.atMs <= KILL_EXIT_MS,
    );
    if (kill && isPodEvent(kill)) return kill;
  }
  return best;
}

/** describeEvent words one cluster event for the log, or null for events the log leaves out. */
export function describeEvent(e: ClusterEvent, podWidth: number): string | null {
  if (QUIET.has(e.kind)) return null;
  const label = EVENT_LABEL[e.kind];
  switch (e.kind) {
    case 'exited': {
      const how = e.exitCode !== null ? `code ${e.exitCode}` : (e.signal ?? '');
      const after =
        e.afterSigtermMs !== null ? `, ${formatSpan(e.afterSigtermMs)} after SIGTERM` : '';
      return `${ellipsize(e.pod, podWidth)} exited ${how}${after}`.trimEnd();
    }
    case 'pod-terminating':
      return `${ellipsize(e.pod, podWidth)} ${label} (grace ${formatSpan(e.graceMs)})`;
    case 'rollout-started':
      return `${label}: revision ${e.revision} (${e.trigger})`;
    case 'rollout-complete':
      return `${label}: revision ${e.revision}`;
    case 'rollout-failed':
      return `${label}: ${e.reason}`;
    case 'step-started':
    case 'step-finished':
      return `${label} ${e.index + 1}: ${e.step}`;
    case 'watch-lost':
      return `${label} (${e.resource}): ${e.error}`;
    case 'watch-resumed':
      return `${label} (${e.resource})`;
    case 'runner-lost':
      return `${label}: ${e.reason}`;
    case 'note':
      return e.message;
    case 'rollout-step':
      return `${e.strategy} step ${e.index}: ${e.step} (weight ${Math.round(e.weight)}%)`;
    case 'replicaset-scaled':
      return `${label}: ${e.role} ${e.revision} → ${e.replicas}${e.scaleDownAtMs !== undefined ? ` (scale-down at ${formatSpan(e.scaleDownAtMs)})` : ''}`;
    case 'drain-started':
    case 'node-cordoned':
    case 'node-uncordoned':
      return `${e.node} ${label}`;
    case 'drain-finished':
      return `${e.node} ${e.ok ? 'drained' : 'drain failed'}: ${e.evicted} evicted${e.error ? ` (${e.error})` : ''}`;
    case 'evicted':
      return `${ellipsize(e.pod, podWidth)} evicted${e.node !== undefined ? ` from ${e.node}` : ''}`;
    case 'eviction-refused':
      return `${ellipsize(e.pod, podWidth)} eviction refused: ${e.status}${e.pdb !== undefined ? ` (PDB ${e.pdb})` : ''}`;
    case 'pdb-status':
      return `PDB ${e.name}: ${e.disruptionsAllowed} disruption${e.disruptionsAllowed === 1 ? '' : 's'} allowed (healthy ${e.currentHealthy}/${e.desiredHealthy})`;
    case 'ingress':
      return `${e.proxy} ingress ${e.action}${e.endpoints ? `: ${e.endpoints.length} endpoint${e.endpoints.length === 1 ? '' : 's'}` : ''}${e.detail ? ` (${e.detail})` : ''}`;
    default:
      return isPodEvent(e) ? `${ellipsize(e.pod, podWidth)} ${label}` : label;
  }
}

/** logLines merges cluster events, failure bursts and HTTP/2 connection notes into the last `max` log lines, oldest first; pods by incarnation (`demo-0 (2)`). */
export function logLines(
  events: readonly ClusterEvent[],
  failures: readonly FailureRecord[],
  max: number,
  podWidth: number,
  failuresCapped: boolean,
  connections: readonly ConnectionNote[] = [],
): LogLine[] {
  if (max <= 0) return [];
  const byName = findIncarnations(events);
  const labelled = labelIncarnations(events);
  const lines: LogLine[] = [];
  for (const e of labelled) {
    const text = describeEvent(e, podWidth);
    if (text === null) continue;
    const warn = e.kind === 'sigkill' || e.kind === 'rollout-failed' || e.kind === 'watch-lost' || e.kind === 'runner-lost' || (e.kind === 'drain-finished' && !e.ok);
    lines.push({ atMs: e.atMs, text, tone: warn ? 'warn' : 'event' });
  }
  const bursts = failureBursts(labelFailures(failures, byName));
  bursts.forEach((b, i) => {
    // The oldest burst may have begun before the kept failures did.
    const capped = failuresCapped && i === 0;
    lines.push({
      atMs: b.startMs,
      text: describeBurst(b, labelled, podWidth, capped),
      tone: 'failure',
    });
  });
  const notes = connections.map((c) => (c.pod === undefined ? c : { ...c, pod: labelAt(byName, c.pod, c.atMs) }));
  for (const c of connectionLines(notes, podWidth)) lines.push({ atMs: c.atMs, text: c.text, tone: c.cut ? 'warn' : 'event' });
  return lines.sort((a, b) => a.atMs - b.atMs).slice(-max);
}
