import type { ConnectionUpdate } from '../results/partial.js';
import type { ConnectionRecord, OutcomeKind, Population } from '../results/types.js';
import type { ConnectionEvent } from './protocol.js';

/**
 * CLOSED_UNDER are the kinds a stream ends with when its connection closed
 * under it: each such stream was open when the connection closed.
 */
const CLOSED_UNDER: ReadonlySet<OutcomeKind> = new Set<OutcomeKind>(['connection_closed', 'reset']);

/** ConnectionBook turns one engine's connection events into ConnectionRecords, handed out a batch at a time. */
export interface ConnectionBook {
  /** sink is the protocol client's onConnection for one population's pool. */
  sink(population: Population): (event: ConnectionEvent) => void;
  /** failed is told each failed stream (before its connection's close event): it counts the streams cut by the close. */
  failed(connId: string, kind: OutcomeKind): void;
  /** stopping says that every close from now on is the engine's own at stop: the connection was open at stop. */
  stopping(): void;
  /**
   * take hands out the records opened, changed or closed since the last take (a
   * later record of a connId replaces the earlier one), and the fresh
   * connections not kept since then; null when there is nothing new.
   */
  take(): ConnectionUpdate | null;
}

interface Entry {
  record: ConnectionRecord;
  /** cut counts its streams that ended because it closed under them. */
  cut: number;
}

/**
 * createConnectionBook keeps every keep-alive connection, and of the fresh
 * population (one connection per request) only the connections that met a
 * GOAWAY or closed with streams open; the rest are counted by pod. That keeps a
 * results file bounded at any rate while every connection that tells something
 * about a pod's shutdown stays in it.
 */
export function createConnectionBook(): ConnectionBook {
  const open = new Map<string, Entry>();
  let changed = new Map<string, ConnectionRecord>();
  let omitted: Record<string, number> = {};
  let anyOmitted = false;
  let atStop = false;

  const opened = (e: Extract<ConnectionEvent, { kind: 'opened' }>, population: Population): void => {
    const record: ConnectionRecord = { connId: e.connId, population, openedAtMs: e.atMs, streams: 0, goaways: [] };
    if (e.peer !== undefined) record.peer = e.peer;
    open.set(e.connId, { record, cut: 0 });
    // A fresh connection is sent only once it shows it is worth keeping.
    if (population === 'keepalive') changed.set(e.connId, record);
  };
  const closed = (e: Extract<ConnectionEvent, { kind: 'closed' }>): void => {
    const entry = open.get(e.connId);
    if (entry === undefined) return;
    open.delete(e.connId);
    const r = entry.record;
    r.streams = e.streams ?? r.streams;
    if (e.pod !== undefined) r.pod = e.pod;
    if (!atStop) {
      r.closedAtMs = e.atMs;
      r.streamsOpenAtClose = entry.cut;
      if (e.error !== undefined) r.closeError = e.error;
    }
    if (r.population === 'fresh' && r.goaways.length === 0 && entry.cut === 0) {
      const pod = r.pod ?? '';
      omitted[pod] = (omitted[pod] ?? 0) + 1;
      anyOmitted = true;
      return;
    }
    changed.set(e.connId, r);
  };

  return {
    sink: (population) => (e) => {
      if (e.kind === 'opened') return opened(e, population);
      if (e.kind === 'closed') return closed(e);
      const entry = open.get(e.connId);
      if (entry === undefined) return;
      const g = { atMs: e.atMs, errorCode: e.errorCode, lastStreamId: e.lastStreamId, streamsOpen: e.streamsOpen };
      entry.record.goaways.push(e.debugData !== undefined ? { ...g, debugData: e.debugData } : g);
      changed.set(e.connId, entry.record);
    },
    failed(connId, kind) {
      if (!CLOSED_UNDER.has(kind)) return;
      const entry = open.get(connId);
      if (entry !== undefined) entry.cut += 1;
    },
    stopping: () => void (atStop = true),
    take() {
      if (changed.size === 0 && !anyOmitted) return null;
      // Copies: the engine's records keep changing while a batch crosses to another thread or is queued.
      const out: ConnectionUpdate = { records: [...changed.values()].map((r) => ({ ...r, goaways: [...r.goaways] })) };
      if (anyOmitted) out.freshOmittedByPod = omitted;
      changed = new Map();
      omitted = {};
      anyOmitted = false;
      return out;
    },
  };
}
