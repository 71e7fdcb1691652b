import { labelAt, type Incarnation } from '../analysis/incarnations.js';
import type { Results } from '../results/types.js';

/** MAX_DRAWN_CONNECTIONS caps the connections the report draws (keep-alive first, then the earliest); the rest are counted. */
export const MAX_DRAWN_CONNECTIONS = 3000;
// A pod's lane stacks overlapping connections on this many rows at most.
const MAX_ROWS = 8;
// The stream-share chart names this many pods; the rest are summed as "other pods".
const MAX_SHARE_PODS = 10;

/**
 * ConnLaneConn is one connection drawn in its pod's lane: [opened s, closed s
 * (null: open at stop), row, fresh (1) or keep-alive (0), streams cut by its close].
 */
export type ConnLaneConn = [number, number | null, number, 0 | 1, number];

/** ConnLane is one pod's connections: each on a row, its GOAWAYs as times (s). */
export interface ConnLane {
  pod: string;
  rows: number;
  conns: ConnLaneConn[];
  goaways: number[];
}

/** ReportConnections is what the report draws of an HTTP/2 or gRPC run's connections. */
export interface ReportConnections {
  lanes: ConnLane[];
  /** drawn and total count the connections in the results; freshOmitted the fresh ones only counted. */
  drawn: number;
  total: number;
  freshOmitted: number;
  /** share is each pod's share (%) of the answered streams per chart bucket (the charts' `t`). */
  share: { pods: string[]; pct: number[][] };
}

/**
 * buildConnections reduces the results' connection records to lanes by pod and
 * the stream share; null for a run without any. Pods are named by incarnation
 * (`byName`, from the results' own events): a connection's pod is the one of
 * that name alive and answering when it opened.
 */
export function buildConnections(r: Results, factor: number, byName: Map<string, Incarnation[]> = new Map()): ReportConnections | null {
  const all = r.connections;
  if (all === undefined) return null;
  const chosen = [...all].sort((a, b) => (a.population === b.population ? a.openedAtMs - b.openedAtMs : a.population === 'keepalive' ? -1 : 1)).slice(0, MAX_DRAWN_CONNECTIONS);
  const byPod = new Map<string, typeof chosen>();
  for (const c of chosen) {
    const pod = c.pod !== undefined ? labelAt(byName, c.pod, c.openedAtMs) : (c.peer ?? '?');
    byPod.set(pod, [...(byPod.get(pod) ?? []), c]);
  }
  const lanes = [...byPod.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([pod, conns]): ConnLane => {
    const rowEnds: number[] = [];
    const out: ConnLaneConn[] = [];
    const goaways: number[] = [];
    for (const c of [...conns].sort((a, b) => a.openedAtMs - b.openedAtMs)) {
      let row = rowEnds.findIndex((end) => end <= c.openedAtMs);
      if (row < 0) row = rowEnds.length < MAX_ROWS ? rowEnds.length : out.length % MAX_ROWS;
      rowEnds[row] = c.closedAtMs ?? Number.POSITIVE_INFINITY;
      out.push([sec(c.openedAtMs), c.closedAtMs === undefined ? null : sec(c.closedAtMs), row, c.population === 'fresh' ? 1 : 0, c.streamsOpenAtClose ?? 0]);
      for (const g of c.goaways) goaways.push(sec(g.atMs));
    }
    return { pod, rows: Math.max(1, rowEnds.length), conns: out, goaways };
  });
  return { lanes, drawn: chosen.length, total: all.length, freshOmitted: r.totals.connections?.freshOmitted ?? 0, share: streamShare(r, factor, byName) };
}

/** streamShare is each pod's (incarnation's) share (%) of the ok answers of each bucket of `factor` intervals. */
function streamShare(r: Results, factor: number, byName: Map<string, Incarnation[]>): ReportConnections['share'] {
  const okByPod = (s: Results['intervals'][number]): Array<[string, number]> => Object.entries(s.okByPod).map(([pod, n]) => [labelAt(byName, pod, s.atMs), n]);
  const totals = new Map<string, number>();
  for (const s of r.intervals) for (const [pod, n] of okByPod(s)) totals.set(pod, (totals.get(pod) ?? 0) + n);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([pod]) => pod);
  const named = ranked.slice(0, MAX_SHARE_PODS);
  const pods = ranked.length > named.length ? [...named, 'other pods'] : named;
  const pct: number[][] = pods.map(() => []);
  for (let i = 0; i < r.intervals.length; i += factor) {
    const counts = pods.map(() => 0);
    for (const s of r.intervals.slice(i, i + factor)) {
      for (const [pod, n] of okByPod(s)) {
        const at = named.indexOf(pod);
        counts[at >= 0 ? at : named.length] = (counts[at >= 0 ? at : named.length] ?? 0) + n;
      }
    }
    const sum = counts.reduce((a, b) => a + b, 0);
    counts.forEach((n, p) => pct[p]?.push(sum > 0 ? Math.round((n / sum) * 1000) / 10 : 0));
  }
  return { pods, pct };
}

/** grpcStatusCounts counts a gRPC run's calls by status name (OK, then the failures' grpc-status names, most first); null for other runs. */
export function grpcStatusCounts(r: Results): Array<{ code: string; count: number }> | null {
  const counts = new Map<string, number>();
  for (const f of r.failures) if (f.kind === 'grpc_error') counts.set(f.errorCode ?? 'UNKNOWN', (counts.get(f.errorCode ?? 'UNKNOWN') ?? 0) + 1);
  if (counts.size === 0 && r.meta.params.protocol !== 'grpc') return null;
  const rest = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([code, count]) => ({ code, count }));
  return [{ code: 'OK', count: r.totals.ok }, ...rest];
}

function sec(ms: number): number {
  return Math.round(ms) / 1000;
}
