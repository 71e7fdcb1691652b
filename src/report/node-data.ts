import { nodeFacts, nodesWorthShowing, podsOn, refusingBudgets, type NodeFacts } from '../analysis/node-facts.js';
import type { Results } from '../results/types.js';

/** NodeBand is one node's row on the pod lanes: its cordon spans and drains (s; e null: still at the end). */
export interface NodeBand {
  node: string;
  cordons: Array<[number, number | null]>;
  drains: Array<{ s: number; e: number | null; ok: boolean | null; evicted: number; of: number }>;
}

/** NodeRow is one row of the per-node table. */
export interface NodeRow {
  node: string;
  /** before: pods on the node when the first drain began (else when recording began); after: when recording ended. */
  before: number;
  after: number;
  evicted: number;
  refused: number;
  /** refusedUnseen: the node's drain was someone else's, whose refused evictions (429) leave no trace, so `refused` is not known. */
  refusedUnseen?: boolean;
  /** budgets that refused evictions of its pods (429). */
  refusedBy: string[];
  /** failures answered by (or cut on) the node's pods. */
  failures: number;
  /** drain is the first drain's span and how long it took (s; null when the node was not drained). */
  drain: { s: number; e: number | null } | null;
}

/** BudgetSteps is each PodDisruptionBudget's disruptionsAllowed over time, as steps on one x (s). */
export interface BudgetSteps {
  t: number[];
  budgets: Array<{ name: string; allowed: Array<number | null> }>;
}

/** ReportNodes is what the report draws of nodes, drains and budgets. */
export interface ReportNodes {
  bands: NodeBand[];
  /** podNode maps each lane's pod (by incarnation) to its node. */
  podNode: Record<string, string>;
  budgets: BudgetSteps | null;
  table: NodeRow[];
  /** beforeAtS is the moment the table's "before" counts (s). */
  beforeAtS: number;
  afterAtS: number;
}

/** buildNodes reduces the node facts of results already named by incarnation; null for a run without any (older files included) or with one node and no drain, cordon, eviction or budget. */
export function buildNodes(r: Results, lastMs: number): ReportNodes | null {
  const facts = nodeFacts(r.events);
  if (!nodesWorthShowing(facts)) return null;
  const beforeMs = facts.drains[0]?.startMs ?? r.meta.recordedFromMs ?? r.meta.warmupMs;
  const afterMs = r.meta.recordedToMs ?? lastMs;
  return {
    bands: facts.nodes.map((node) => ({
      node,
      cordons: facts.cordons.filter((c) => c.node === node).map((c): [number, number | null] => [sec(c.fromMs), c.toMs === null ? null : sec(c.toMs)]),
      drains: facts.drains.filter((d) => d.node === node).map((d) => ({ s: sec(d.startMs), e: d.endMs === null ? null : sec(d.endMs), ok: d.ok, evicted: d.evictedCount, of: d.podsAtStart.length })),
    })),
    podNode: Object.fromEntries(facts.pods.map((p) => [p.pod, p.node])),
    budgets: budgetSteps(facts, lastMs),
    table: nodeTable(r, facts, beforeMs, afterMs),
    beforeAtS: sec(beforeMs),
    afterAtS: sec(afterMs),
  };
}

function nodeTable(r: Results, facts: NodeFacts, beforeMs: number, afterMs: number): NodeRow[] {
  const nodeOf = new Map(facts.pods.map((p) => [p.pod, p.node]));
  const failures = new Map<string, number>();
  for (const f of r.failures) {
    const node = f.pod === undefined ? undefined : nodeOf.get(f.pod);
    if (node !== undefined) failures.set(node, (failures.get(node) ?? 0) + 1);
  }
  return facts.nodes.map((node): NodeRow => {
    const marks = facts.evictions.filter((m) => nodeOf.get(m.pod) === node);
    const d = facts.drains.find((x) => x.node === node);
    return {
      node,
      before: podsOn(facts.pods, node, beforeMs).length,
      after: podsOn(facts.pods, node, afterMs).length,
      evicted: marks.filter((m) => !m.refused).length,
      refused: marks.filter((m) => m.refused).length,
      ...(d?.inferred ? { refusedUnseen: true } : {}),
      refusedBy: refusingBudgets(marks),
      failures: failures.get(node) ?? 0,
      drain: d ? { s: sec(d.startMs), e: d.endMs === null ? null : sec(d.endMs) } : null,
    };
  });
}

// Steps: each budget's value holds from one status to the next; the last holds to the run's end.
function budgetSteps(facts: NodeFacts, lastMs: number): BudgetSteps | null {
  if (facts.budgets.length === 0) return null;
  const names = [...new Set(facts.budgets.map((b) => b.name))];
  // A point 1 ms before each change holds the old value, so the legend under the cursor shows the value in effect there.
  const changes = facts.budgets.map((b) => sec(b.atMs));
  const times = [...new Set([...changes, ...changes.map((t) => Math.round((t - 0.001) * 1000) / 1000), sec(lastMs)])].sort((a, b) => a - b);
  const budgets = names.map((name) => {
    const points = facts.budgets.filter((b) => b.name === name);
    let at = -1;
    const allowed = times.map((t) => {
      while (at + 1 < points.length && sec(points[at + 1]?.atMs ?? Infinity) <= t) at += 1;
      return at < 0 ? null : (points[at]?.disruptionsAllowed ?? null);
    });
    return { name, allowed };
  });
  return { t: times, budgets };
}

function sec(ms: number): number {
  return Math.round(ms) / 1000;
}
