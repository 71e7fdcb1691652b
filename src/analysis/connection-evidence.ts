// What HTTP/2 and gRPC connections say about a pod's shutdown: the recorded
// connection lives (Results.connections) by id and by pod, the first GOAWAY a
// pod sent, and, for one failed stream, whether a GOAWAY came before it. Where
// a run has no connection records (an older file), the failure's own code says
// whether its connection had a GOAWAY (h2-fate.ts writes CLOSED_AFTER_GOAWAY).
import { OUTCOME_TRAITS, type ConnectionRecord, type FailureRecord, type Results } from '../results/types.js';

/** GOAWAY_RACE_MS is how long after a pod's GOAWAY a refused or reset stream counts as the GOAWAY's race. */
export const GOAWAY_RACE_MS = 1000;

/** ConnectionIndex holds a run's HTTP/2 connection records by connection id (a failure's connId finds its connection). */
export interface ConnectionIndex {
  byId: ReadonlyMap<string, ConnectionRecord>;
  /** http2: the run's traffic was HTTP/2 or gRPC (its --protocol), so every recorded connection is an HTTP/2 one. */
  http2?: boolean;
  /** failedById counts the run's failures on each connection (a connection whose every stream failed never served one). */
  failedById?: ReadonlyMap<string, number>;
}

/** createConnectionIndex indexes `results.connections` (empty for HTTP/1.1 runs and older files), with the failures on each when given. */
export function createConnectionIndex(results: Pick<Results, 'connections'> & Partial<Pick<Results, 'failures' | 'meta'>>): ConnectionIndex {
  const failedById = new Map<string, number>();
  for (const f of results.failures ?? []) failedById.set(f.connId, (failedById.get(f.connId) ?? 0) + 1);
  const protocol = results.meta?.params.protocol;
  return { byId: new Map((results.connections ?? []).map((c) => [c.connId, c])), http2: protocol === 'grpc' || protocol === 'h2c' || protocol === 'h2', failedById };
}

/**
 * h2Failure: the failure was an HTTP/2 stream: it had a stream id, its kind's
 * traits exist only on HTTP/2, or its connection is an HTTP/2 run's record (a
 * stream that never went out, its connection cut before the server's SETTINGS,
 * has no id). HTTP/1.1 connections can have records too, so the run says which.
 */
export function h2Failure(f: FailureRecord, conns?: ConnectionIndex): boolean {
  return f.streamId !== undefined || OUTCOME_TRAITS[f.kind].neverProcessed === true || (conns?.http2 === true && conns.byId.has(f.connId));
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

/** goawaysOf is every GOAWAY the connections got, in time order. */
export function goawaysOf(list: readonly ConnectionRecord[]): ConnectionRecord['goaways'] {
  return list.flatMap((c) => c.goaways).sort((a, b) => a.atMs - b.atMs);
}

/** connectionsOf lists the connection records the failures were on (each once); without a pod header they name no pod, so a pod's failures find them. */
export function connectionsOf(conns: ConnectionIndex, failures: readonly FailureRecord[]): ConnectionRecord[] {
  const ids = new Set(failures.map((f) => f.connId));
  return [...ids].flatMap((id) => {
    const c = conns.byId.get(id);
    return c ? [c] : [];
  });
}

/** servedBefore: the failure's connection had finished streams before it (its record says so; without one, the stream was not its first). */
export function servedBefore(f: FailureRecord, conns?: ConnectionIndex): boolean {
  const rec = conns?.byId.get(f.connId);
  if (!rec) return f.reused;
  // Streams failed before the close are not open at it: a connection whose every stream failed served none.
  return rec.streams > Math.max(rec.streamsOpenAtClose ?? 0, conns?.failedById?.get(f.connId) ?? 0);
}

/**
 * h2ShutdownCause is the HTTP/2 cause of a stream that failed while its pod
 * was terminating, when the evidence names one: refused streams (above a
 * GOAWAY's last-stream-id, or REFUSED_STREAM) and streams cut within
 * GOAWAY_RACE_MS of their connection's GOAWAY are the GOAWAY's race; streams
 * cut or reset on a connection that closed with no GOAWAY are a stop without
 * a graceful stop, when the connection had carried streams before.
 * Otherwise undefined (the HTTP/1.1 causes apply: a new connection refused or
 * reset by a stopped pod is still the endpoint race).
 */
export function h2ShutdownCause(f: FailureRecord, atMs: number, conns?: ConnectionIndex): 'goaway-race' | 'no-graceful-stop' | undefined {
  if (OUTCOME_TRAITS[f.kind].neverProcessed === true) return 'goaway-race';
  if (!OUTCOME_TRAITS[f.kind].cut) return undefined;
  // A connection cut before it finished any stream may be a Service proxy that accepted it for a pod already
  // gone: the endpoint race. Only a connection that had served streams shows how its server stopped.
  if (!servedBefore(f, conns)) return undefined;
  const knowledge = goawayKnowledge(f, atMs, conns);
  if (knowledge === 'none') return 'no-graceful-stop';
  if (knowledge !== 'goaway') return undefined;
  const goawayMs = goawayBefore(f, atMs, conns);
  // Without a record the failure's code says a GOAWAY came, not when: it is the race only if the record could tell.
  return goawayMs !== null && atMs - goawayMs <= GOAWAY_RACE_MS ? 'goaway-race' : undefined;
}

/** SHUTDOWN_GRPC_CODES are the gRPC statuses a server gives the calls it ends as it stops (grpcio cancels them, others say UNAVAILABLE). */
const SHUTDOWN_GRPC_CODES: ReadonlySet<string> = new Set(['CANCELLED', 'UNAVAILABLE']);

/**
 * grpcStatusAfterGoaway: a call answered CANCELLED or UNAVAILABLE within
 * GOAWAY_RACE_MS after its own connection's GOAWAY: the stopping server ended a
 * call it had taken (an answer, not a transport failure, so only the recorded
 * GOAWAY just before it ties it to the shutdown).
 */
export function grpcStatusAfterGoaway(f: FailureRecord, atMs: number, conns: ConnectionIndex): boolean {
  if (f.errorCode === undefined || !SHUTDOWN_GRPC_CODES.has(f.errorCode) || OUTCOME_TRAITS[f.kind].layer !== 'answer') return false;
  const goawayMs = goawayBefore(f, atMs, conns);
  return goawayMs !== null && atMs - goawayMs <= GOAWAY_RACE_MS;
}

/** refusedAfterGoaway: a never-processed stream within GOAWAY_RACE_MS after its own connection's recorded GOAWAY. */
export function refusedAfterGoaway(f: FailureRecord, atMs: number, conns: ConnectionIndex): boolean {
  if (OUTCOME_TRAITS[f.kind].neverProcessed !== true) return false;
  const goawayMs = goawayBefore(f, atMs, conns);
  return goawayMs !== null && atMs - goawayMs <= GOAWAY_RACE_MS;
}

/**
 * gracefulStopAtKill tells whether a pod SIGKILLed at its grace period was in
 * a graceful stop: one of its connections got a GOAWAY after SIGTERM and was
 * still open, with streams, at the SIGKILL (a stream cut there after its
 * connection's GOAWAY says the same where no record exists).
 */
export function gracefulStopAtKill(results: Pick<Results, 'connections' | 'failures'>, pod: string, sigtermMs: number, killMs: number): boolean {
  const conns = createConnectionIndex(results);
  if (waitingAtKill(results.connections ?? [], pod, sigtermMs, killMs).length > 0) return true;
  if (conns.byId.size > 0) return false;
  return results.failures.some(
    (f) =>
      f.pod === pod && OUTCOME_TRAITS[f.kind].cut && goawayKnowledge(f, f.endAtMs, conns) === 'goaway' &&
      f.endAtMs >= killMs - KILL_EDGE_MS && f.endAtMs <= killMs + CLOSE_SEEN_MS,
  );
}

/**
 * waitingAtKill lists the connections that got a GOAWAY between the pod's
 * SIGTERM and its SIGKILL and closed, streams open, at the SIGKILL: those
 * pinned to the pod, or naming no pod of their own (no pod header: the close
 * at this pod's SIGKILL ties them to it).
 */
export function waitingAtKill(all: readonly ConnectionRecord[], pod: string, sigtermMs: number, killMs: number): ConnectionRecord[] {
  return all.filter(
    (c) =>
      (c.pod === pod || c.pod === undefined || c.pod === '' || c.pod === c.peer) &&
      c.goaways.some((g) => g.atMs >= sigtermMs - KILL_EDGE_MS && g.atMs <= killMs) &&
      c.closedAtMs !== undefined && c.closedAtMs >= killMs - KILL_EDGE_MS && c.closedAtMs <= killMs + CLOSE_SEEN_MS &&
      (c.streamsOpenAtClose ?? 0) > 0,
  );
}

// A GOAWAY or a close this close to SIGTERM or SIGKILL is taken as at it (the client sees both a little late).
const KILL_EDGE_MS = 100;
// The client sees a SIGKILLed process's connections close within this long.
const CLOSE_SEEN_MS = 1000;
