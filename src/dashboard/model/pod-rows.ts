import { buildPodTimelines, type PodState, type PodTimeline } from '../../analysis/pod-timeline.js';
import { findIncarnations, labelIncarnations, type Incarnation } from '../../analysis/incarnations.js';
import { nodeFacts, nodesWorthShowing } from '../../analysis/node-facts.js';
import type { ClusterEvent } from '../../results/events.js';
import type { LiveSnapshot } from '../../results/live.js';

/** PodTone is how a pod row is coloured: by how healthy its state is. */
export type PodTone = 'good' | 'warn' | 'bad' | 'gone' | 'plain';

/** PodRow is one line of the pods table. */
export interface PodRow {
  pod: string;
  /** node is the node the pod was placed on ('' when the driver did not say, or all pods share one node and nothing happened to it). */
  node: string;
  /** revision is "old"/"new" once a rollout started, else "cur" (or "-" when unknown). */
  revision: string;
  state: string;
  tone: PodTone;
  /** inStateMs is how long the pod has been in its state. */
  inStateMs: number;
  ok: number;
  failures: number;
  /** gone is true once the pod exited or was deleted (its row is dimmed). */
  gone: boolean;
}

/** podRows builds one row per pod from the cluster events, plus pods that only named themselves in answers. */
export function podRows(s: LiveSnapshot, nowMs: number): PodRow[] {
  // A name reused by a new pod (a StatefulSet's) is a row of its own, `web-2 (2)`.
  const events = labelIncarnations(s.events);
  const timelines = buildPodTimelines(events);
  const newRevision = latestRolloutRevision(events);
  const latest = latestLabels(findIncarnations(s.events));
  const facts = nodeFacts(events);
  const nodes = new Map(nodesWorthShowing(facts) ? facts.pods.map((p) => [p.pod, p.node] as const) : []);
  const rows = timelines.map((t) => ({ ...timelineRow(t, newRevision, s, nowMs, latest.get(t.pod)), node: nodes.get(t.pod) ?? '' }));
  // In load mode there are no cluster events; pods that answered still deserve a row.
  const known = new Set(rows.map((r) => r.pod));
  const extra = new Set(
    [...Object.keys(s.okByPod), ...Object.keys(s.failuresByPod)].filter((p) => !known.has(p)),
  );
  for (const pod of [...extra].sort()) {
    rows.push({
      pod,
      node: '',
      revision: '-',
      state: 'answering',
      tone: 'plain',
      inStateMs: -1,
      ok: s.okByPod[pod] ?? 0,
      failures: s.failuresByPod[pod] ?? 0,
      gone: false,
    });
  }
  return rows;
}

function timelineRow(
  t: PodTimeline,
  newRevision: string | null,
  s: LiveSnapshot,
  nowMs: number,
  countsOf = t.pod,
): Omit<PodRow, 'node'> {
  const span = t.spans[t.spans.length - 1];
  const revision =
    t.revision === null
      ? '-'
      : newRevision === null
        ? 'cur'
        : t.revision === newRevision
          ? 'new'
          : 'old';
  return {
    pod: t.pod,
    revision,
    state: stateLabel(t),
    tone: TONE[t.state],
    inStateMs: span ? Math.max(0, nowMs - span.startMs) : 0,
    ok: countsOf ? (s.okByPod[countsOf] ?? 0) : 0,
    failures: countsOf ? (s.failuresByPod[countsOf] ?? 0) : 0,
    gone: t.state === 'exited' || t.state === 'deleted',
  };
}

const LABEL: Record<PodState, string> = {
  starting: 'starting',
  running: 'running',
  ready: 'ready',
  'not-ready': 'not ready',
  terminating: 'terminating',
  prestop: 'preStop',
  sigterm: 'SIGTERM sent',
  sigkilled: 'SIGKILLed',
  exited: 'exited',
  deleted: 'deleted',
};

const TONE: Record<PodState, PodTone> = {
  starting: 'warn',
  running: 'warn',
  ready: 'good',
  'not-ready': 'warn',
  terminating: 'warn',
  prestop: 'warn',
  sigterm: 'warn',
  sigkilled: 'bad',
  exited: 'gone',
  deleted: 'gone',
};

/** stateLabel words a pod's state for the table; an exit shows its code or signal ("exited 137"). */
export function stateLabel(t: PodTimeline): string {
  const exit = t.exitCode !== null ? String(t.exitCode) : t.exitSignal;
  if (t.state === 'exited') return exit ? `exited ${exit}` : 'exited';
  if (t.state === 'deleted' && exit) return `deleted (${exit})`;
  return LABEL[t.state];
}

// The live counts are by pod-header name: a reused name's counts go to its newest incarnation's row, the older rows show none.
function latestLabels(byName: Map<string, Incarnation[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, list] of byName) {
    if (list.length < 2) continue;
    for (const inc of list) out.set(inc.label, inc === list[list.length - 1] ? name : '');
  }
  return out;
}

/** latestRolloutRevision is the revision the newest rollout is moving to, or null before any rollout. */
export function latestRolloutRevision(events: readonly ClusterEvent[]): string | null {
  let latest: { atMs: number; revision: string } | null = null;
  for (const e of events) {
    if (e.kind === 'rollout-started' && (latest === null || e.atMs >= latest.atMs))
      latest = { atMs: e.atMs, revision: e.revision };
  }
  return latest?.revision ?? null;
}

/** pickRows keeps at most `max` rows: live pods first, then the most recently created exited ones; says how many it hid. */
export function pickRows(
  rows: readonly PodRow[],
  max: number,
): { shown: PodRow[]; hidden: number } {
  if (rows.length <= max) return { shown: [...rows], hidden: 0 };
  const keep = new Set<PodRow>(rows.filter((r) => !r.gone).slice(-max));
  for (let i = rows.length - 1; i >= 0 && keep.size < max; i--) {
    const r = rows[i];
    if (r) keep.add(r);
  }
  const shown = rows.filter((r) => keep.has(r));
  return { shown, hidden: rows.length - shown.length };
}
