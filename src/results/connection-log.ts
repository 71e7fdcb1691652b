import type { ConnectionUpdate } from './partial.js';
import type { ConnectionRecord, ConnectionTotals, Results } from './types.js';

/** ConnectionLog is the run's HTTP/2 connection records, merged from every engine, worker and runner. */
export interface ConnectionLog {
  add(update: ConnectionUpdate): void;
  /** records are the connections kept so far, by open time. */
  records(): ConnectionRecord[];
  /** version counts the updates added: a reader that saw this version has seen every record. */
  readonly version: number;
  /** addTo puts the records and their totals in a finished run's results (nothing for a run without any). */
  addTo(results: Results): void;
}

/** createConnectionLog starts an empty log: a record replaces the earlier record of its connId. */
export function createConnectionLog(): ConnectionLog {
  const byId = new Map<string, ConnectionRecord>();
  const omittedByPod: Record<string, number> = {};
  let omitted = 0;
  let version = 0;
  let any = false;
  const records = (): ConnectionRecord[] => [...byId.values()].sort((a, b) => a.openedAtMs - b.openedAtMs);
  return {
    add(update) {
      any = true;
      for (const r of update.records) byId.set(r.connId, r);
      for (const [pod, n] of Object.entries(update.freshOmittedByPod ?? {})) {
        omittedByPod[pod] = (omittedByPod[pod] ?? 0) + n;
        omitted += n;
      }
      version += 1;
    },
    records,
    get version() {
      return version;
    },
    addTo(results) {
      if (!any) return;
      results.connections = records();
      const totals: ConnectionTotals = { kept: byId.size, freshOmitted: omitted, freshOmittedByPod: { ...omittedByPod } };
      results.totals.connections = totals;
    },
  };
}
