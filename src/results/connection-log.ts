import type { ConnectionNote } from './live.js';
import { hiddenByStandardClient } from './never-processed.js';
import type { ConnectionUpdate } from './partial.js';
import type { ConnectionRecord, ConnectionTotals, Results } from './types.js';

// The live view keeps this many connection notes (the dashboard shows a few).
const RECENT_NOTES = 200;

/** ConnectionLog is the run's HTTP/2 connection records, merged from every engine, worker and runner. */
export interface ConnectionLog {
  /** add merges one source's update, then calls `changed` (the live view's refresh). */
  add(update: ConnectionUpdate, changed?: () => void): void;
  /** records are the connections kept so far, by open time. */
  records(): ConnectionRecord[];
  /** notes are the last GOAWAYs and closes with streams open, oldest first (undefined before any connection). */
  notes(): ConnectionNote[] | undefined;
  /**
   * addTo puts the records and their totals in a finished run's results, and
   * the failures a standard client would have hidden (HTTP/2 runs, or any run
   * with such a failure); nothing more for a run without connections.
   */
  addTo(results: Results): void;
}

/** createConnectionLog starts an empty log: a record replaces the earlier record of its connId. */
export function createConnectionLog(): ConnectionLog {
  const byId = new Map<string, ConnectionRecord>();
  const omittedByPod: Record<string, number> = {};
  let omitted = 0;
  let any = false;
  let notes: ConnectionNote[] = [];
  const records = (): ConnectionRecord[] => [...byId.values()].sort((a, b) => a.openedAtMs - b.openedAtMs);
  // What a record says that its earlier version did not: its new GOAWAYs, and a close that cut streams.
  const noteChanges = (r: ConnectionRecord, before: ConnectionRecord | undefined): void => {
    const pod = r.pod !== undefined ? { pod: r.pod } : {};
    for (const g of r.goaways.slice(before?.goaways.length ?? 0)) {
      notes.push({ atMs: g.atMs, kind: 'goaway', connId: r.connId, ...pod, code: g.errorCode, streams: g.streamsOpen });
    }
    const cut = r.streamsOpenAtClose ?? 0;
    if (r.closedAtMs !== undefined && cut > 0 && before?.closedAtMs === undefined) {
      notes.push({ atMs: r.closedAtMs, kind: 'cut', connId: r.connId, ...pod, ...(r.closeError !== undefined ? { code: r.closeError } : {}), streams: cut });
    }
  };
  return {
    add(update, changed) {
      any = true;
      for (const r of update.records) {
        noteChanges(r, byId.get(r.connId));
        byId.set(r.connId, r);
      }
      if (notes.length > 2 * RECENT_NOTES) notes = notes.slice(-RECENT_NOTES);
      for (const [pod, n] of Object.entries(update.freshOmittedByPod ?? {})) {
        omittedByPod[pod] = (omittedByPod[pod] ?? 0) + n;
        omitted += n;
      }
      changed?.();
    },
    records,
    notes: () => (any ? [...notes].sort((a, b) => a.atMs - b.atMs).slice(-RECENT_NOTES) : undefined),
    addTo(results) {
      const hidden = hiddenByStandardClient(results.failures);
      if (any || hidden.total > 0) results.totals.hiddenByStandardClient = hidden;
      if (!any) return;
      results.connections = records();
      const totals: ConnectionTotals = { kept: byId.size, freshOmitted: omitted, freshOmittedByPod: { ...omittedByPod } };
      results.totals.connections = totals;
    },
  };
}
