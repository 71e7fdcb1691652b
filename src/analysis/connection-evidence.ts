// What HTTP/2 and gRPC connections say about a pod's shutdown: the recorded
// connection lives (Results.connections) by id and by pod, the first GOAWAY a
// pod sent, and, for one failed stream, whether a GOAWAY came before it. Where
// a run has no connection records (an older file), the failure's own code says
// whether its connection had a GOAWAY (h2-fate.ts writes CLOSED_AFTER_GOAWAY).
import { OUTCOME_TRAITS, type ConnectionRecord, type FailureRecord, type Results } from '../results/types.js';

/** GOAWAY_RACE_MS is how long after a pod's GOAWAY a refused or reset stream counts as the GOAWAY's race. */
export const GOAWAY_RACE_MS = 1000;

/** ConnectionIndex holds a run's HTTP/2 connection records by connection id and by the pod each was pinned to. */
export interface ConnectionIndex {
  byId: ReadonlyMap<string, ConnectionRecord>;
  byPod: ReadonlyMap<string, ConnectionRecord[]>;
}

/** createConnectionIndex indexes `results.connections` (empty for HTTP/1.1 runs and older files). */
export function createConnectionIndex(results: Pick<Results, 'connections'>): ConnectionIndex {
  const byId = new Map<string, ConnectionRecord>();
  const byPod = new Map<string, ConnectionRecord[]>();
  for (const c of results.connections ?? []) {
    byId.set(c.connId, c);
    if (c.pod === undefined) continue;
    const list = byPod.get(c.pod) ?? [];
    list.push(c);
    byPod.set(c.pod, list);
  }
  return { byId, byPod };
}

/** h2Failure: the failure was an HTTP/2 stream (it had a stream id or a connection record, or its kind's traits exist only on HTTP/2). */
export function h2Failure(f: FailureRecord, conns?: ConnectionIndex): boolean {
  return f.streamId !== undefined || conns?.byId.has(f.connId) === true || OUTCOME_TRAITS[f.kind].neverProcessed === true;
}

/** goawayBefore is the time of the first GOAWAY the failure's connection got at or before `atMs`, or null (none, or not known). */
export function goawayBefore(f: FailureRecord, atMs: number, conns?: ConnectionIndex): number | null {
  const rec = conns?.byId.get(f.connId);
  return rec?.goaways.find((g) => g.atMs <= atMs + 1)?.atMs ?? null;
}

/**
 * GoawayKnowledge says what is known of a failed stream's connection: `goaway`
 * (a GOAWAY came first), `none` (it closed with no GOAWAY), or `unknown`.
 */
export type GoawayKnowledge = 'goaway' | 'none' | 'unknown';

/** goawayKnowledge reads whether the failure's connection had a GOAWAY before the failure: from its record, else its code. */
export function goawayKnowledge(f: FailureRecord, atMs: number, conns?: ConnectionIndex): GoawayKnowledge {
  const rec = conns?.byId.get(f.connId);
  if (rec) return goawayBefore(f, atMs, conns) !== null ? 'goaway' : 'none';
  // The codes h2-fate.ts gives a stream whose connection closed under it.
  if (f.errorCode === 'CLOSED_WITHOUT_GOAWAY') return 'none';
  if (f.errorCode === 'CLOSED_AFTER_GOAWAY' || f.errorCode?.startsWith('GOAWAY_') === true) return 'goaway';
  return 'unknown';
}

/** podGoaways is every GOAWAY the pod's connections got, in time order. */
export function podGoaways(conns: ConnectionIndex, pod: string): Array<{ atMs: number; errorCode: string; lastStreamId: number; streamsOpen: number }> {
  return (conns.byPod.get(pod) ?? []).flatMap((c) => c.goaways).sort((a, b) => a.atMs - b.atMs);
}

/** closedWithoutGoaway lists the pod's connections that closed in [fromMs, toMs] with no GOAWAY and streams still open. */
export function closedWithoutGoaway(conns: ConnectionIndex, pod: string, fromMs: number, toMs: number): ConnectionRecord[] {
  return (conns.byPod.get(pod) ?? []).filter(
    (c) => c.closedAtMs !== undefined && c.closedAtMs >= fromMs && c.closedAtMs <= toMs && c.goaways.length === 0 && (c.streamsOpenAtClose ?? 0) > 0,
  );
}

/**
 * h2ShutdownCause is the HTTP/2 cause of a stream that failed while its pod
 * was terminating, when the evidence names one: refused streams (above a
 * GOAWAY's last-stream-id, or REFUSED_STREAM) and streams cut within
 * GOAWAY_RACE_MS of their connection's GOAWAY are the GOAWAY's race; streams
 * cut or reset on a connection that closed with no GOAWAY are a stop without
 * a graceful stop. Otherwise undefined (the HTTP/1.1 causes apply: a refused
 * new connection is still the endpoint race).
 */
export function h2ShutdownCause(f: FailureRecord, atMs: number, conns?: ConnectionIndex): 'goaway-race' | 'no-graceful-stop' | undefined {
  if (OUTCOME_TRAITS[f.kind].neverProcessed === true) return 'goaway-race';
  const cutStream = OUTCOME_TRAITS[f.kind].cut;
  if (!cutStream) return undefined;
  const knowledge = goawayKnowledge(f, atMs, conns);
  if (knowledge === 'none') return 'no-graceful-stop';
  if (knowledge !== 'goaway') return undefined;
  const goawayMs = goawayBefore(f, atMs, conns);
  // Without a record the failure's code says a GOAWAY came, not when: it is the race only if the record could tell.
  return goawayMs !== null && atMs - goawayMs <= GOAWAY_RACE_MS ? 'goaway-race' : undefined;
}

/**
 * gracefulStopAtKill tells whether a pod SIGKILLed at its grace period was in
 * a graceful stop: one of its connections got a GOAWAY after SIGTERM and was
 * still open, with streams, at the SIGKILL (a stream cut there after its
 * connection's GOAWAY says the same where no record exists).
 */
export function gracefulStopAtKill(results: Pick<Results, 'connections' | 'failures'>, pod: string, sigtermMs: number, killMs: number): boolean {
  const conns = createConnectionIndex(results);
  const open = (conns.byPod.get(pod) ?? []).filter(
    (c) =>
      c.goaways.some((g) => g.atMs >= sigtermMs - KILL_EDGE_MS && g.atMs <= killMs) &&
      (c.closedAtMs === undefined || c.closedAtMs >= killMs - KILL_EDGE_MS) &&
      (c.streamsOpenAtClose ?? 0) > 0,
  );
  if (open.length > 0) return true;
  if (conns.byPod.size > 0) return false;
  return results.failures.some(
    (f) => f.pod === pod && OUTCOME_TRAITS[f.kind].cut && goawayKnowledge(f, f.endAtMs, conns) === 'goaway' &&
      f.endAtMs >= killMs - KILL_EDGE_MS && f.endAtMs <= killMs + 1000,
  );
}

// A GOAWAY or a close this close to SIGTERM or SIGKILL is taken as at it (the client sees both a little late).
const KILL_EDGE_MS = 100;
