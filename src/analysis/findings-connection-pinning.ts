// Rule connection-pinning: after the rollout, long-lived HTTP/2 connections
// stayed where they were, so a pod ready for the whole time after it got much
// less than an even share of the streams (kube-proxy balances connections,
// not requests). Fires only where the connection records show the skew too.
import type { ConnectionRecord, Finding, Results } from '../results/types.js';
import { timelineByPod, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, formatDuration, plural } from './format.js';
import type { PodTimeline } from './pod-timeline.js';
import { terminationStartMs } from './pod-time.js';
import { trafficEndMs } from './termination.js';

/** PINNED_SHARE: a pod with less than this fraction of an even share of streams (and of connections) is starved. */
export const PINNED_SHARE = 0.5;
/** PINNING_MIN_MS and PINNING_MIN_STREAMS: the span after the rollout and the answers in it needed to judge shares. */
export const PINNING_MIN_MS = 1500;
export const PINNING_MIN_STREAMS = 100;

/** connectionPinning finds pods that got much less than an even share of streams after the rollout because connections were never re-spread. */
export const connectionPinning: FindingRule = { id: 'connection-pinning', find };

interface PodShare {
  pod: string;
  streams: number;
  connections: number;
}

function find(input: RuleInput): Finding | null {
  const r = input.results;
  // HTTP/1.1 connections are recorded too, but a keep-alive pool is no multiplexed connection: pinning is HTTP/2's.
  const protocol = r.meta.params.protocol;
  if (protocol !== 'grpc' && protocol !== 'h2c' && protocol !== 'h2') return null;
  if (!r.connections || r.connections.length === 0) return null;
  const completeMs = r.events.filter((e) => e.kind === 'rollout-complete').at(-1)?.atMs;
  const toMs = trafficEndMs(r);
  const byName = timelineByPod(input);
  if (completeMs === undefined || !Number.isFinite(toMs)) return null;
  // The rollout is settled once its last old pod is gone (its clients have reconnected by then) and every
  // pod ready then is routed: a pod the Service does not send to yet cannot get a connection.
  const gone = [...byName.values()].map((t) => t.exitedMs ?? t.sigkillMs ?? Number.NEGATIVE_INFINITY).filter((x) => x < toMs);
  const settledMs = Math.max(completeMs, ...gone);
  const routed = routedSince(r);
  const fromMs = Math.max(settledMs, ...[...byName.values()].filter((t) => servedThroughout(t, settledMs, toMs)).map((t) => routed.get(t.pod) ?? settledMs));
  if (toMs - fromMs < PINNING_MIN_MS) return null;
  const ready = [...byName.values()].filter((t) => servedThroughout(t, fromMs, toMs)).map((t) => t.pod);
  if (ready.length < 2) return null;
  const after = shares(r, ready, fromMs, toMs);
  const total = after.reduce((n, s) => n + s.streams, 0);
  const conns = after.reduce((n, s) => n + s.connections, 0);
  if (total < PINNING_MIN_STREAMS || conns === 0) return null;
  const even = 1 / ready.length;
  const starved = after.filter((s) => s.streams / total < even * PINNED_SHARE && s.connections / conns < even * PINNED_SHARE);
  if (starved.length === 0) return null;
  const before = baselineShares(r, byName);
  const evidence = [
    `After the rollout (${formatAt(fromMs)} to ${formatAt(toMs)}), ${plural(ready.length, 'ready pod')}, an even share ${pct(even)} each: ` +
      after.map((s) => `${s.pod} ${pct(s.streams / total)} of ${total} streams on ${plural(s.connections, 'connection')}`).join(', ') + '.',
    ...(before ? [`Before it: ${before}.`] : []),
    ...starved.map((s) => `${s.pod}: ready the whole time, but only ${plural(s.connections, 'connection')} of ${conns} reached it, so it got ${pct(s.streams / total)} of the streams.`),
    `Each HTTP/2 connection carries all of its client's streams to the one pod it was opened to; ${maxAgeLine(r.connections, fromMs, toMs)}`,
  ];
  return {
    id: 'connection-pinning',
    severity: 'warning',
    title: `${plural(starved.length, 'pod')} got less than half an even share of the streams after the rollout: connections stayed pinned where they were`,
    evidence,
    fix: FIXES['connection-pinning'],
    pods: starved.map((s) => s.pod),
    failures: 0,
    data: { readyPods: ready.length, lowestSharePct: Math.round(Math.min(...after.map((s) => s.streams / total)) * 1000) / 10, connections: conns },
  };
}

/** servedThroughout: the pod was ready before `fromMs` and not going away before `toMs`. */
function servedThroughout(t: PodTimeline, fromMs: number, toMs: number): boolean {
  const term = terminationStartMs(t);
  return t.readyMs !== null && t.readyMs <= fromMs && (term === null || term >= toMs);
}

/** routedSince is, by pod, when the Service first routed it (its endpoint-added event: the endpoint delay after ready). */
function routedSince(r: Results): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of r.events) if (e.kind === 'endpoint-added' && !out.has(e.pod)) out.set(e.pod, e.atMs);
  return out;
}

/** shares counts each pod's ok streams and its connections open at any time in [fromMs, toMs]. */
function shares(r: Results, pods: readonly string[], fromMs: number, toMs: number): PodShare[] {
  return pods.map((pod) => ({
    pod,
    streams: r.intervals.reduce((n, s) => (s.atMs >= fromMs && s.atMs + r.meta.intervalMs <= toMs ? n + (s.okByPod[pod] ?? 0) : n), 0),
    connections: (r.connections ?? []).filter((c) => c.pod === pod && c.openedAtMs < toMs && (c.closedAtMs ?? Number.POSITIVE_INFINITY) > fromMs).length,
  }));
}

/** baselineShares words the pods' shares before the rollout started, or null when the run had no such span. */
function baselineShares(r: Results, byName: ReadonlyMap<string, PodTimeline>): string | null {
  const startMs = r.events.find((e) => e.kind === 'rollout-started')?.atMs;
  if (startMs === undefined) return null;
  const pods = [...byName.values()].filter((t) => t.readyMs !== null && t.readyMs < startMs).map((t) => t.pod);
  const list = shares(r, pods, 0, startMs);
  const total = list.reduce((n, s) => n + s.streams, 0);
  if (total === 0) return null;
  return list.map((s) => `${s.pod} ${pct(s.streams / total)} on ${plural(s.connections, 'connection')}`).join(', ');
}

/** maxAgeLine says whether connections were re-spread after the rollout (closed, reopened) or lived on. */
function maxAgeLine(all: readonly ConnectionRecord[], fromMs: number, toMs: number): string {
  const reopened = all.filter((c) => c.openedAtMs >= fromMs && c.openedAtMs < toMs).length;
  const lived = all.filter((c) => c.openedAtMs < fromMs && (c.closedAtMs ?? Number.POSITIVE_INFINITY) >= toMs);
  const ageMs = lived.length > 0 ? Math.min(...lived.map((c) => toMs - c.openedAtMs)) : 0;
  return reopened === 0
    ? `no connection was opened after the rollout (${plural(lived.length, 'connection')} lived through it, the youngest ${formatDuration(ageMs)} old), so nothing re-spread them.`
    : `only ${plural(reopened, 'connection')} opened after the rollout: too few to re-spread them.`;
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}
