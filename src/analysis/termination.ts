import type { Results } from '../results/types.js';
import { gracefulStopAtKill } from './connection-evidence.js';
import { pid1Reaction } from './pid1.js';
import type { PodTimeline } from './pod-timeline.js';
import { KILL_SLACK_MS, killSlackMs, sigkilledAtGrace } from './pod-time.js';

/** REAL_TIME_MS is how long (about: 10 % less will do) after SIGTERM a pod must have had before "it ignored SIGTERM" can be said. */
export const REAL_TIME_MS = 2000;
/** tooShortToTell: the pod had too little time after SIGTERM (well under REAL_TIME_MS) to say it ignored it. */
export function tooShortToTell(afterSigtermMs: number | null): boolean {
  return afterSigtermMs !== null && afterSigtermMs < REAL_TIME_MS * 0.9;
}

/** REACTION_WINDOW_MS is the span compared before SIGTERM and before SIGKILL to see whether a pod kept answering. */
export const REACTION_WINDOW_MS = 1000;

/**
 * PodEndKind is how a pod that did not exit cleanly ended:
 * - teardown: killed because the run itself was ending (never a finding);
 * - crashed: exited or was SIGKILLed without a SIGTERM;
 * - prestop-exceeds-grace: the preStop hook used up the grace period;
 * - grace-too-short: it reacted to SIGTERM (or had too little time to tell) but was still running at SIGKILL;
 * - sigterm-ignored: it had real time after SIGTERM and showed no reaction;
 * - graceful-stop-exceeds-grace: its HTTP/2 connections got a GOAWAY after
 *   SIGTERM and were still waiting, streams open, at the SIGKILL.
 */
export type PodEndKind = 'teardown' | 'crashed' | 'prestop-exceeds-grace' | 'grace-too-short' | 'sigterm-ignored' | 'graceful-stop-exceeds-grace';

/** PodEnd is one pod's unclean end and what it rests on. */
export interface PodEnd {
  pod: string;
  kind: PodEndKind;
  /** afterSigtermMs is SIGTERM → SIGKILL (or exit), when both are known. */
  afterSigtermMs: number | null;
  /** reaction says how it was decided whether PID 1 reacted to SIGTERM. */
  reaction: 'pid1' | 'probe' | 'traffic' | 'goaway' | 'unknown' | 'not-needed';
  /** kept is ok answers by the pod in the second before SIGKILL and before SIGTERM, when traffic decided. */
  kept?: { beforeKill: number; beforeSigterm: number };
}

/**
 * trafficEndMs is when recorded traffic ended: pods stopped after that are the
 * run's own teardown, not the rollout, and say nothing about it.
 */
export function trafficEndMs(results: Results): number {
  const stopping = results.meta.phases.find((p) => p.phase === 'stopping');
  if (stopping) return stopping.atMs;
  const last = results.intervals.at(-1);
  return last ? last.atMs + results.meta.intervalMs : Number.POSITIVE_INFINITY;
}

/** classifyPodEnds decides, for each pod that ended uncleanly, how it ended (see PodEndKind). */
export function classifyPodEnds(timelines: readonly PodTimeline[], results: Results): Map<string, PodEnd> {
  const out = new Map<string, PodEnd>();
  const endMs = trafficEndMs(results);
  for (const t of timelines) {
    const end = classifyPodEnd(t, results, endMs);
    if (end !== null) out.set(t.pod, end);
  }
  return out;
}

function classifyPodEnd(t: PodTimeline, results: Results, trafficEndAtMs: number): PodEnd | null {
  const killMs = t.sigkillMs ?? (t.exitedMs !== null && (t.exitCode === 137 || t.exitSignal === 'SIGKILL') ? t.exitedMs : null);
  const crashed = t.sigtermMs === null && t.terminatingMs === null && (killMs !== null || t.exitedMs !== null);
  const atGrace = !crashed && sigkilledAtGrace(t);
  if (!crashed && !atGrace) return null;
  const afterSigtermMs = timeAfterSigterm(t, killMs);
  const base = { pod: t.pod, afterSigtermMs };
  const endMs = killMs ?? t.exitedMs ?? 0;
  if (isTeardown(t, endMs, trafficEndAtMs, crashed)) return { ...base, kind: 'teardown', reaction: 'not-needed' };
  if (crashed) return { ...base, kind: 'crashed', reaction: 'not-needed' };
  if (preStopUsedGrace(t)) return { ...base, kind: 'prestop-exceeds-grace', reaction: 'not-needed' };
  // A GOAWAY after SIGTERM is the reaction, seen on the wire: the graceful stop was still waiting at the SIGKILL.
  if (t.sigtermMs !== null && gracefulStopAtKill(results, t.pod, t.sigtermMs, endMs)) {
    return { ...base, kind: 'graceful-stop-exceeds-grace', reaction: 'goaway' };
  }
  const fromPid1 = t.pid1 ? pid1Reaction(t.pid1) : 'unknown';
  if (tooShortToTell(afterSigtermMs)) {
    return { ...base, kind: 'grace-too-short', reaction: fromPid1 === 'unknown' ? 'unknown' : 'pid1' };
  }
  if (fromPid1 !== 'unknown') {
    return { ...base, kind: fromPid1 === 'ignores' ? 'sigterm-ignored' : 'grace-too-short', reaction: 'pid1' };
  }
  const probe = t.sigtermProbe;
  // A probe that timed out says nothing either way (a loaded machine): only an answer or a refusal counts.
  if (probe && probe.error !== 'timeout') {
    // Still accepting and answering as before, seconds after SIGTERM: no reaction.
    const unmoved = probe.answered && !probe.closing;
    return { ...base, kind: unmoved ? 'sigterm-ignored' : 'grace-too-short', reaction: 'probe' };
  }
  // A kill deduced from a watch lags the real one: the second before it ends where the real kill may have been.
  const kept = keptAnswering(results, t.pod, t.sigtermMs ?? 0, endMs - (killSlackMs(t) - KILL_SLACK_MS));
  if (kept === null) return { ...base, kind: 'grace-too-short', reaction: 'unknown' };
  const noReaction = kept.beforeKill * 2 >= kept.beforeSigterm;
  return { ...base, kind: noReaction ? 'sigterm-ignored' : 'grace-too-short', reaction: 'traffic', kept };
}

/**
 * timeAfterSigterm is how long the pod had from SIGTERM to its SIGKILL (or exit). On a cluster both
 * ends are deduced from what the watch saw, each late by its own lag: a terminating pod seen 300 ms
 * late and its exit seen on time made a 2 s grace period read 1.7 s, "too short to tell". The
 * kubelet kills at the grace period counted from the deletion, so a pod SIGKILLed there had the
 * grace period less its preStop (when the moment of SIGTERM is known, not only its bounds).
 */
function timeAfterSigterm(t: PodTimeline, killMs: number | null): number | null {
  if (t.sigtermMs === null || killMs === null) return null;
  if (t.watched && t.sigkillMs !== null && t.terminatingMs !== null && t.graceMs !== null && t.sigtermLatestMs === null) {
    return t.graceMs - Math.max(0, t.sigtermMs - t.terminatingMs);
  }
  return killMs - t.sigtermMs;
}

/**
 * isTeardown: the run's own ending stopped the pod, or cut its grace period
 * short (a pod still terminating at the stop is SIGKILLed early): nothing it
 * says about the rollout.
 */
function isTeardown(t: PodTimeline, endMs: number, trafficEndAtMs: number, crashed: boolean): boolean {
  if (t.terminatingReason === 'rollcheck is stopping') return true;
  if (crashed) return endMs >= trafficEndAtMs;
  const startMs = t.terminatingMs ?? t.sigtermMs ?? endMs;
  if (startMs >= trafficEndAtMs) return true;
  const hurried = t.graceMs !== null && endMs - startMs < t.graceMs - 100;
  return endMs >= trafficEndAtMs && hurried;
}

/** preStopUsedGrace: the preStop hook ran until the grace period was (nearly) over, so SIGTERM came late. */
function preStopUsedGrace(t: PodTimeline): boolean {
  if (t.prestopStartMs === null || t.sigtermMs === null || t.graceMs === null) return false;
  const from = t.terminatingMs ?? t.prestopStartMs;
  return t.sigtermMs - from >= t.graceMs - 100;
}

/**
 * keptAnswering counts the pod's ok answers in the second before SIGKILL and
 * in the second before SIGTERM; null when it had too little traffic before
 * SIGTERM to tell (fewer than 5 answers).
 */
function keptAnswering(results: Results, pod: string, sigtermMs: number, killMs: number): { beforeKill: number; beforeSigterm: number } | null {
  const within = (s: { atMs: number }, fromMs: number, toMs: number): boolean => s.atMs >= fromMs && s.atMs + results.meta.intervalMs <= toMs;
  const sum = (fromMs: number, toMs: number): number =>
    results.intervals.reduce((n, s) => (within(s, fromMs, toMs) ? n + (s.okByPod[pod] ?? 0) : n), 0);
  const killFromMs = Math.max(sigtermMs, killMs - REACTION_WINDOW_MS);
  const beforeSigterm = sum(sigtermMs - REACTION_WINDOW_MS, sigtermMs);
  // No recorded traffic before the kill (the run ended first) says nothing either way.
  if (beforeSigterm < 5 || !results.intervals.some((s) => within(s, killFromMs, killMs) && s.sent > 0)) return null;
  return { beforeKill: sum(killFromMs, killMs), beforeSigterm };
}
