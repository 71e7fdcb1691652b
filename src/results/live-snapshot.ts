import type { Clock } from './clock.js';
import type { GeneratorTracker } from './generator-load.js';
import type { IntervalStore } from './interval-store.js';
import type { ConnectionNote, LiveSnapshot } from './live.js';
import { currentPhase, type RunRecord } from './run-record.js';
import type { RunTotals } from './run-totals.js';
import { INTERVAL_MS, type GeneratorLoad, type RunMode } from './types.js';

const RECENT_INTERVALS = 600;
const RECENT_FAILURES = 200;

/** SnapshotSource is what the live snapshot reads: the recorder's parts, never copied until asked. */
export interface SnapshotSource {
  clock: Clock;
  mode: RunMode;
  targetRatePerSec: number;
  store: IntervalStore;
  totals: RunTotals;
  record: RunRecord;
  generator: GeneratorTracker;
  sourceKind: GeneratorLoad['sourceKind'];
  finished(): boolean;
  /** connectionNotes are the HTTP/2 connections' GOAWAYs and cut closes so far (undefined: none recorded). */
  connectionNotes?(): ConnectionNote[] | undefined;
}

/** LiveSnapshots builds the live view's snapshot, rebuilt only after something changed. */
export interface LiveSnapshots {
  get(): LiveSnapshot;
  /** invalidate says the next `get` must rebuild. */
  invalidate(): void;
}

/** createLiveSnapshots serves snapshots of `src`: the last 60 s of intervals, the last 200 failures, all events. */
export function createLiveSnapshots(src: SnapshotSource): LiveSnapshots {
  const { clock, store, record } = src;
  let cached: LiveSnapshot | null = null;
  let dirty = true;
  return {
    get() {
      if (cached !== null && !dirty) return { ...cached, nowMs: clock.nowMs() };
      const nowMs = clock.nowMs();
      const from = Math.floor(record.recordFromMs / INTERVAL_MS);
      const last = Math.max(store.lastIndex(), from);
      const first = Math.max(from, last - RECENT_INTERVALS + 1);
      cached = {
        nowMs,
        startEpochMs: clock.startEpochMs,
        mode: src.mode,
        target: record.target,
        phase: currentPhase(record),
        targetRatePerSec: src.targetRatePerSec,
        totals: src.totals.totals(record.recordFromMs, Math.max(nowMs, record.recordFromMs)),
        recent: store.lastIndex() < 0 ? [] : store.samples(first, last, src.totals.sent(), src.totals.completed()),
        events: [...record.events],
        recentFailures: record.failures.slice(-RECENT_FAILURES),
        failuresByPod: { ...record.failuresByPod },
        okByPod: src.totals.okByPod(),
        finished: src.finished(),
      };
      const sources = src.generator.live();
      if (sources.length > 0) cached.generator = { sourceKind: src.sourceKind, sources };
      const notes = src.connectionNotes?.();
      if (notes !== undefined) cached.connectionNotes = notes;
      dirty = false;
      return cached;
    },
    invalidate: () => void (dirty = true),
  };
}
