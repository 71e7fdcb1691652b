// Nodes, cordons, drains and budgets as the events tell them, for the report,
// the dashboard and the terminal summary. Pass events already named by
// incarnation (`labelIncarnations`): a StatefulSet's `web-2` and its
// replacement `web-2 (2)` may sit on different nodes.
import type { ClusterEvent } from '../results/events.js';

/** PodPlace is one pod's node and the span it existed (goneMs: its exit or deletion, null while it lasts). */
export interface PodPlace {
  pod: string;
  node: string;
  createdMs: number;
  goneMs: number | null;
}

/** EvictionMark is one answer of the Eviction API for a pod: admitted (201) or refused (429 from a budget, or another status). */
export interface EvictionMark {
  pod: string;
  atMs: number;
  refused: boolean;
  status?: number;
  pdb?: string;
}

/** DrainFacts is one node drain: its span, its pods when it began, and the evictions and refusals on that node while it ran. */
export interface DrainFacts {
  node: string;
  startMs: number;
  /** endMs and ok come from drain-finished (null: not finished by the run's end). */
  endMs: number | null;
  ok: boolean | null;
  error?: string;
  /** evictedCount is the drain's own count (drain-finished), else the evictions seen. */
  evictedCount: number;
  podsAtStart: string[];
  evictions: EvictionMark[];
  /** inferred: someone else drained the node (kubectl, an autoscaler); its refused evictions (429) never reach the API's objects, so none are seen. */
  inferred?: boolean;
}

/** CordonSpan is a node marked unschedulable from `fromMs` to `toMs` (null: still cordoned at the end). */
export interface CordonSpan {
  node: string;
  fromMs: number;
  toMs: number | null;
}

/** BudgetPoint is a PodDisruptionBudget's status at one change. */
export interface BudgetPoint {
  name: string;
  atMs: number;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
}

/** NodeFacts is everything a run's events say about nodes. */
export interface NodeFacts {
  /** nodes in natural order (node-2 before node-10). */
  nodes: string[];
  pods: PodPlace[];
  cordons: CordonSpan[];
  drains: DrainFacts[];
  evictions: EvictionMark[];
  budgets: BudgetPoint[];
}

const NODE_ORDER = new Intl.Collator('en', { numeric: true });

/** nodeFacts reads nodes, cordons, drains, evictions and budget status from the events; null when the run has no node facts at all. */
export function nodeFacts(events: readonly ClusterEvent[]): NodeFacts | null {
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  const pods = new Map<string, PodPlace>();
  const cordons: CordonSpan[] = [];
  const drains: DrainFacts[] = [];
  const evictions: EvictionMark[] = [];
  const budgets: BudgetPoint[] = [];
  const names = new Set<string>();
  for (const e of sorted) {
    switch (e.kind) {
      case 'pod-created':
        if (e.node !== undefined) pods.set(e.pod, { pod: e.pod, node: e.node, createdMs: e.atMs, goneMs: null });
        break;
      case 'exited':
      case 'pod-deleted': {
        const p = pods.get(e.pod);
        if (p && p.goneMs === null) p.goneMs = e.atMs;
        break;
      }
      case 'node-cordoned':
        names.add(e.node);
        if (!cordons.some((c) => c.node === e.node && c.toMs === null)) cordons.push({ node: e.node, fromMs: e.atMs, toMs: null });
        break;
      case 'node-uncordoned': {
        names.add(e.node);
        const open = cordons.find((c) => c.node === e.node && c.toMs === null);
        if (open) open.toMs = e.atMs;
        break;
      }
      case 'drain-started':
        names.add(e.node);
        drains.push({ node: e.node, startMs: e.atMs, endMs: null, ok: null, evictedCount: 0, podsAtStart: podsOn([...pods.values()], e.node, e.atMs), evictions: [], ...(e.inferred ? { inferred: true } : {}) });
        break;
      case 'drain-finished': {
        names.add(e.node);
        const d = drains.find((x) => x.node === e.node && x.endMs === null);
        if (d) Object.assign(d, { endMs: e.atMs, ok: e.ok, evictedCount: e.evicted, ...(e.error !== undefined ? { error: e.error } : {}) });
        break;
      }
      case 'evicted':
        evictions.push({ pod: e.pod, atMs: e.atMs, refused: false });
        break;
      case 'eviction-refused':
        evictions.push({ pod: e.pod, atMs: e.atMs, refused: true, status: e.status, ...(e.pdb !== undefined ? { pdb: e.pdb } : {}) });
        break;
      case 'pdb-status':
        budgets.push({ name: e.name, atMs: e.atMs, disruptionsAllowed: e.disruptionsAllowed, currentHealthy: e.currentHealthy, desiredHealthy: e.desiredHealthy, expectedPods: e.expectedPods });
        break;
      default:
        break;
    }
  }
  for (const p of pods.values()) names.add(p.node);
  if (names.size === 0 && evictions.length === 0 && budgets.length === 0) return null;
  const nodeOf = new Map([...pods.values()].map((p) => [p.pod, p.node]));
  for (const m of evictions) {
    const d = drains.find((x) => x.node === nodeOf.get(m.pod) && x.startMs <= m.atMs && (x.endMs === null || m.atMs <= x.endMs));
    if (d) d.evictions.push(m);
  }
  for (const d of drains) if (d.endMs === null) d.evictedCount = d.evictions.filter((m) => !m.refused).length;
  return { nodes: [...names].sort(NODE_ORDER.compare), pods: [...pods.values()], cordons, drains, evictions, budgets };
}

/** nodesWorthShowing is true when the nodes tell something: more than one node, or a cordon, drain, eviction or budget (every local pod sits on a node even without `--nodes`). */
export function nodesWorthShowing(facts: NodeFacts | null): facts is NodeFacts {
  if (!facts) return false;
  return facts.nodes.length > 1 || facts.cordons.length + facts.drains.length + facts.evictions.length + facts.budgets.length > 0;
}

/** podsOn names the pods on `node` that existed at `atMs`. */
export function podsOn(pods: readonly PodPlace[], node: string, atMs: number): string[] {
  return pods.filter((p) => p.node === node && p.createdMs <= atMs && (p.goneMs === null || p.goneMs > atMs)).map((p) => p.pod);
}

/** refusingBudgets names the budgets that refused evictions (in order of first refusal). */
export function refusingBudgets(marks: readonly EvictionMark[]): string[] {
  return [...new Set(marks.flatMap((m) => (m.refused && m.pdb !== undefined ? [m.pdb] : [])))];
}
