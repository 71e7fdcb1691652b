import { VERSION } from '../version.js';
import type { IntervalStore } from './interval-store.js';
import type { RunRecord } from './run-record.js';
import type { RunTotals } from './run-totals.js';
import { INTERVAL_MS, RESULTS_SCHEMA, type Results, type RunMeta } from './types.js';

/** AssembleInput is a finished run's parts: who ran it, its record, totals and intervals, and how it ended. */
export interface AssembleInput {
  command: string;
  mode: RunMeta['mode'];
  params: Record<string, unknown>;
  warmupMs: number;
  startEpochMs: number;
  /** endMs is when the run ended, ms since its start. */
  endMs: number;
  /** trafficEndMs is where the traffic schedule ended (before in-flight requests drained). */
  trafficEndMs: number;
  interrupted: boolean;
  stopReason: string;
  record: RunRecord;
  totals: RunTotals;
  store: IntervalStore;
}

/**
 * assembleResults builds the results object of a finished run: meta, totals
 * over the recorded span, every interval from the recording start, the kept
 * failures and the events in time order. It copies; it changes nothing.
 */
export function assembleResults(i: AssembleInput): Results {
  const { record, store } = i;
  const firstIndex = Math.floor(record.recordFromMs / INTERVAL_MS);
  const lastIndex = Math.max(store.lastIndex(), firstIndex);
  return {
    schema: RESULTS_SCHEMA,
    meta: {
      tool: { name: 'rollcheck', version: VERSION },
      command: i.command,
      mode: i.mode,
      target: record.target,
      params: i.params,
      startedAt: new Date(i.startEpochMs).toISOString(),
      startEpochMs: i.startEpochMs,
      endedAt: new Date(i.startEpochMs + i.endMs).toISOString(),
      durationMs: Math.round(i.endMs),
      warmupMs: i.warmupMs,
      recordedFromMs: Math.round(record.recordFromMs),
      recordedToMs: Math.round(i.trafficEndMs),
      intervalMs: INTERVAL_MS,
      phases: [...record.phases],
      interrupted: i.interrupted,
      stopReason: i.stopReason,
      ...(record.cluster ? { cluster: { ...record.cluster } } : {}),
      facts: { ...record.facts },
      warnings: [...record.warnings],
      notes: [...record.notes],
      podLogs: { ...record.podLogs },
    },
    totals: i.totals.totals(record.recordFromMs, i.trafficEndMs),
    intervals: store.lastIndex() < 0 ? [] : store.samples(firstIndex, lastIndex, i.totals.sent(), i.totals.completed()),
    failures: [...record.failures],
    events: [...record.events].sort((a, b) => a.atMs - b.atMs),
    analysis: null,
  };
}
