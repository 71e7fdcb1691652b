import { isPodEvent } from '../results/events.js';
import { buildPodTimelines } from '../analysis/pod-timeline.js';
import { failureAtMs } from '../analysis/windows.js';
import { findIncarnations, withIncarnations } from '../analysis/incarnations.js';
import { errorRate } from '../analysis/verdict.js';
import type { Analysis, FailureKind, FailureRecord, Results } from '../results/types.js';
import { frontDoorLines } from './front-door-lines.js';
import { hiddenText } from './hidden-lines.js';
import { buildConnections, grpcStatusCounts, type ReportConnections } from './connection-data.js';
import { generatorText, latencyBasisText } from './generator-lines.js';
import { buildNodes, type ReportNodes } from './node-data.js';
import { FAILURE_KINDS, OUTCOME_TRAITS } from '../results/types.js';

/** MAX_TABLE_ROWS is how many failures the report's table holds; the rest are counted. */
export const MAX_TABLE_ROWS = 1000;
/** MAX_POINTS caps the chart points per series; longer runs are merged into wider buckets. */
export const MAX_POINTS = 4000;

/** ReportSeries is the charts' data: x in seconds since the run start, rates per second, latency in ms. */
export interface ReportSeries {
  t: number[];
  sent: number[];
  /** started is the actual send rate (requests handed to a connection per second); null where the file does not say. */
  started: Array<number | null>;
  ok: number[];
  failed: Partial<Record<FailureKind, number[]>>;
  p50: Array<number | null>;
  p99: Array<number | null>;
  /** lag is the generator's p99 scheduling lag (ms), the worst interval's in a bucket; null where the file does not say. */
  lag: Array<number | null>;
  bucketMs: number;
}

/** ReportLane is one pod's life for the lanes chart (times in seconds); `node` where the driver placed it, a mark's `label` names a refusing budget. */
export interface ReportLane {
  pod: string;
  revision: string | null;
  node?: string;
  spans: Array<{ state: string; s: number; e: number | null }>;
  marks: Array<{ kind: string; t: number; label?: string }>;
}

/** FailureRow is one row of the failure table: [t s, kind, detail, pod, conn, population, latency ms, why]. */
export type FailureRow = [number, string, string, string, string, string, number, string];

/** ReportData is everything the page shows, embedded as JSON and turned into DOM by the page script. */
export interface ReportData {
  title: string;
  meta: Pick<Results['meta'], 'command' | 'mode' | 'target' | 'startedAt' | 'durationMs' | 'warmupMs' | 'stopReason' | 'interrupted' | 'warnings' | 'notes' | 'facts'> & {
    version: string;
    recordedFromMs: number;
  };
  totals: Results['totals'] & { errorRate: number };
  series: ReportSeries;
  lanes: ReportLane[];
  marks: Array<{ t: number; label: string; kind: string }>;
  /** lostShares are the spans (s) in which a runner's share of the traffic was lost: from its loss to the end. */
  lostShares: Array<{ from: number; to: number }>;
  analysis: Analysis | null;
  kinds: Array<{ kind: FailureKind; meaning: string }>;
  table: { rows: FailureRow[]; total: number };
  /** generator is the summary's generator line: scheduling lag, each source's loop and CPU, kept or fell behind its schedule. */
  generator: string;
  /** latencyBasis says, when --max-p99 was judged on service time, why (null otherwise). */
  latencyBasis: string | null;
  /** frontDoor says what each method saw, what a proxy's retries saved and who wrote the HTTP failures (as the summary does). */
  frontDoor: string[];
  /** hidden says what a standard HTTP/2 or gRPC client would have retried unseen (as the summary does; null: not an HTTP/2 run). */
  hidden: string | null;
  /** connections are an HTTP/2 or gRPC run's connection lanes by pod and stream share (null for other runs). */
  connections: ReportConnections | null;
  /** grpcStatus counts a gRPC run's calls by status name (null for other runs). */
  grpcStatus: Array<{ code: string; count: number }> | null;
  /** scenario is the per-step verdicts of a `rollcheck scenario` run (null for other commands). */
  scenario: Results['scenario'] | null;
  /** nodes are the run's nodes, cordons, drains, budget status and per-node counts (null: the run has no node facts). */
  nodes: ReportNodes | null;
}

/** buildReportData reduces a results object to what the report draws: intervals, not every success. */
export function buildReportData(input: Results): ReportData {
  // Lanes and the failure table name pods by incarnation (`web-2 (2)`), as the analysis does.
  const r = withIncarnations(input);
  const lastMs = Math.max(r.meta.durationMs, ...r.intervals.slice(-1).map((s) => s.atMs + r.meta.intervalMs));
  const nodes = buildNodes(r, lastMs);
  return {
    title: `rollcheck ${r.meta.command}: ${r.meta.target}`,
    meta: {
      command: r.meta.command,
      mode: r.meta.mode,
      target: r.meta.target,
      startedAt: r.meta.startedAt,
      durationMs: r.meta.durationMs,
      warmupMs: r.meta.warmupMs,
      stopReason: r.meta.stopReason,
      interrupted: r.meta.interrupted,
      warnings: [...r.meta.warnings, ...(r.analysis?.warnings ?? [])],
      notes: r.meta.notes,
      facts: r.meta.facts,
      version: r.meta.tool.version,
      recordedFromMs: r.meta.recordedFromMs ?? r.meta.warmupMs,
    },
    totals: { ...r.totals, errorRate: errorRate(r.totals) },
    series: buildSeries(r),
    lanes: buildLanes(r, lastMs, nodes),
    marks: buildMarks(r),
    lostShares: (r.meta.runners ?? [])
      .filter((x) => x.lostFromMs !== undefined)
      .map((x) => ({ from: round((x.lostFromMs ?? 0) / 1000, 3), to: round(lastMs / 1000, 3) })),
    // The table carries the attributions it shows; the rest would only bloat the page.
    analysis: r.analysis ? { ...r.analysis, attributions: [] } : null,
    kinds: FAILURE_KINDS.filter((k) => (r.totals.byKind[k] ?? 0) > 0 || r.failures.some((f) => f.kind === k)).map((kind) => ({
      kind,
      meaning: OUTCOME_TRAITS[kind].meaning,
    })),
    table: buildTable(r),
    generator: generatorText(r),
    latencyBasis: latencyBasisText(r),
    frontDoor: frontDoorLines(r),
    hidden: hiddenText(r),
    connections: buildConnections(r, bucketFactor(r), findIncarnations(input.events)),
    grpcStatus: grpcStatusCounts(r),
    scenario: r.scenario ?? null,
    nodes,
  };
}

/** bucketFactor is how many intervals one chart point holds (MAX_POINTS at most). */
function bucketFactor(r: Results): number {
  return Math.max(1, Math.ceil(r.intervals.length / MAX_POINTS));
}

function buildSeries(r: Results): ReportSeries {
  const intervalMs = r.meta.intervalMs || 100;
  const factor = bucketFactor(r);
  const bucketMs = intervalMs * factor;
  const perSec = 1000 / bucketMs;
  const kinds = FAILURE_KINDS.filter((k) => r.intervals.some((s) => (s.done.new[k] ?? 0) + (s.done.reused[k] ?? 0) > 0));
  const out: ReportSeries = { t: [], sent: [], started: [], ok: [], failed: {}, p50: [], p99: [], lag: [], bucketMs };
  for (const k of kinds) out.failed[k] = [];
  for (let i = 0; i < r.intervals.length; i += factor) {
    const group = r.intervals.slice(i, i + factor);
    const first = group[0];
    if (!first) break;
    out.t.push(round(first.atMs / 1000, 3));
    out.sent.push(round(sum(group, (s) => s.sent) * perSec, 1));
    const said = group.filter((s) => s.started !== undefined);
    out.started.push(said.length ? round(sum(said, (s) => s.started ?? 0) * perSec, 1) : null);
    const lags = group.filter((s) => s.lagP99Us !== undefined);
    out.lag.push(lags.length ? round(Math.max(...lags.map((s) => s.lagP99Us ?? 0)) / 1000, 2) : null);
    out.ok.push(round(sum(group, (s) => (s.done.new.ok ?? 0) + (s.done.reused.ok ?? 0)) * perSec, 1));
    for (const k of kinds) out.failed[k]?.push(round(sum(group, (s) => (s.done.new[k] ?? 0) + (s.done.reused[k] ?? 0)) * perSec, 1));
    // A bucket's quantile is the worst of its intervals': exact merging would need the histograms.
    const withOk = group.filter((s) => s.latency.count > 0);
    out.p50.push(withOk.length ? round(Math.max(...withOk.map((s) => s.latency.p50Us)) / 1000, 2) : null);
    out.p99.push(withOk.length ? round(Math.max(...withOk.map((s) => s.latency.p99Us)) / 1000, 2) : null);
  }
  return out;
}

function buildLanes(r: Results, lastMs: number, nodes: ReportNodes | null): ReportLane[] {
  const laneMarks = new Set(['sigterm', 'sigkill', 'exited', 'endpoint-removed', 'prestop-started', 'pod-ready', 'evicted', 'eviction-refused']);
  const podEvents = r.events.filter(isPodEvent);
  const lanes = buildPodTimelines(r.events).map((t): ReportLane => ({
    pod: t.pod,
    revision: t.revision,
    ...(nodes?.podNode[t.pod] !== undefined ? { node: nodes.podNode[t.pod] } : {}),
    spans: t.spans.map((s) => ({ state: s.state, s: round(s.startMs / 1000, 3), e: round((s.endMs ?? lastMs) / 1000, 3) })),
    marks: podEvents.filter((e) => e.pod === t.pod && laneMarks.has(e.kind)).map((e) => ({
      kind: e.kind,
      t: round(e.atMs / 1000, 3),
      ...(e.kind === 'eviction-refused' ? { label: `${e.status}${e.pdb !== undefined ? ` ${e.pdb}` : ''}` } : {}),
    })).sort((a, b) => a.t - b.t),
  }));
  if (!nodes) return lanes;
  // Grouped by node in the nodes' order; a pod the driver placed nowhere goes last.
  const rank = (l: ReportLane): number => (l.node === undefined ? nodes.bands.length : nodes.bands.findIndex((b) => b.node === l.node));
  return lanes.map((l, i) => ({ l, i })).sort((a, b) => rank(a.l) - rank(b.l) || a.i - b.i).map((x) => x.l);
}

function buildMarks(r: Results): ReportData['marks'] {
  const marks: ReportData['marks'] = [];
  for (const e of r.events) {
    if (e.kind === 'step-started') marks.push({ t: round(e.atMs / 1000, 3), label: `step ${e.index + 1}: ${e.step}`, kind: 'step' });
    if (e.kind === 'rollout-started') marks.push({ t: round(e.atMs / 1000, 3), label: `rollout started (${e.trigger})`, kind: 'rollout' });
    if (e.kind === 'rollout-complete') marks.push({ t: round(e.atMs / 1000, 3), label: 'rollout complete', kind: 'rollout' });
    if (e.kind === 'rollout-failed') marks.push({ t: round(e.atMs / 1000, 3), label: `rollout failed: ${e.reason}`, kind: 'failed' });
    if (e.kind === 'runner-lost') marks.push({ t: round(e.atMs / 1000, 3), label: `runner ${e.runner} lost (${round(e.ratePerSec, 1)}/s)`, kind: 'failed' });
    if (e.kind === 'drain-started') marks.push({ t: round(e.atMs / 1000, 3), label: `drain ${e.node}`, kind: 'drain' });
    if (e.kind === 'drain-finished') marks.push({ t: round(e.atMs / 1000, 3), label: `drain ${e.node} ${e.ok ? 'done' : 'failed'}`, kind: e.ok ? 'drain' : 'failed' });
  }
  return marks.sort((a, b) => a.t - b.t);
}

function buildTable(r: Results): ReportData['table'] {
  const why = new Map((r.analysis?.attributions ?? []).map((a) => [a.failure, a.text]));
  const rows = r.failures.slice(0, MAX_TABLE_ROWS).map((f, i): FailureRow => [
    round(failureAtMs(f) / 1000, 3),
    f.kind,
    failureDetail(f),
    f.pod ?? '',
    f.reused ? 'reused' : 'new',
    f.population,
    round(f.latencyMs, 1),
    why.get(i) ?? '',
  ]);
  return { rows, total: r.failures.length };
}

/** failureDetail is the failure's method (of a mix or not GET), status or error, and who wrote an HTTP failure when it was a proxy. */
function failureDetail(f: FailureRecord): string {
  const by = f.answeredBy !== undefined && f.answeredBy !== 'app' ? `(answered by ${f.answeredBy})` : '';
  return [f.method ?? '', f.status !== undefined ? `HTTP ${f.status}` : '', f.errorCode ?? '', f.message ?? '', by].filter(Boolean).join(' ');
}

function sum<T>(xs: readonly T[], f: (x: T) => number): number {
  let s = 0;
  for (const x of xs) s += f(x);
  return s;
}

function round(n: number, digits: number): number {
  const p = 10 ** digits;
  return Math.round(n * p) / p;
}
