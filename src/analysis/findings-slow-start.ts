import type { Finding, Results } from '../results/types.js';
import type { FindingInput } from './findings.js';
import { FIXES } from './findings.js';
import { formatAt, formatDuration, plural } from './format.js';

/** SLOW_START_MS is how long after ready a new pod counts as starting. */
export const SLOW_START_MS = 5000;
// A new pod counts as slow when its mean is this many times the settled pods' and this much more.
const SLOW_FACTOR = 2;
const SLOW_MARGIN_MS = 50;
const MIN_ANSWERS = 10;

interface Mean {
  answers: number;
  meanMs: number;
}

/** meanService is the mean ok service time over [fromMs, toMs) of the pods `pick` accepts. */
function meanService(results: Results, fromMs: number, toMs: number, pick: (pod: string) => boolean): Mean {
  let answers = 0;
  let us = 0;
  for (const s of results.intervals) {
    if (s.atMs < fromMs || s.atMs >= toMs) continue;
    for (const [pod, n] of Object.entries(s.okByPod)) {
      if (!pick(pod)) continue;
      answers += n;
      us += s.okServiceUsByPod?.[pod] ?? 0;
    }
  }
  return { answers, meanMs: answers === 0 ? 0 : us / answers / 1000 };
}

/** firstAnswerMs is the start of the first interval at or after `fromMs` in which `pod` answered. */
function firstAnswerMs(results: Results, pod: string, fromMs: number): number | null {
  const first = results.intervals.find((s) => s.atMs + results.meta.intervalMs > fromMs && (s.okByPod[pod] ?? 0) > 0);
  return first ? Math.max(first.atMs, fromMs) : null;
}

/**
 * slowStart finds new pods (created after recording began) whose first
 * SLOW_START_MS of traffic after ready were much slower than the settled pods at the same
 * time: ready before warm. Evidence is each pod's mean ok service time
 * (end − actual start, so the client's own queue is left out).
 */
export function slowStart(input: FindingInput): Finding | null {
  const { results } = input;
  const from = results.meta.recordedFromMs ?? 0;
  const fresh = new Set(input.timelines.filter((t) => t.createdMs !== null && t.createdMs >= from && t.readyMs !== null).map((t) => t.pod));
  const evidence: string[] = [];
  const slowPods: string[] = [];
  for (const t of input.timelines) {
    if (!fresh.has(t.pod) || t.readyMs === null) continue;
    // Its first seconds of traffic: endpoints propagate, keep-alive connections move over only later.
    const startMs = firstAnswerMs(results, t.pod, t.readyMs);
    if (startMs === null) continue;
    const endMs = startMs + SLOW_START_MS;
    const first = meanService(results, startMs, endMs, (p) => p === t.pod);
    const settled = meanService(results, startMs, endMs, (p) => !fresh.has(p));
    const later = meanService(results, endMs, endMs + 2 * SLOW_START_MS, (p) => p === t.pod);
    if (first.answers < MIN_ANSWERS || settled.answers < MIN_ANSWERS) continue;
    if (first.meanMs < settled.meanMs * SLOW_FACTOR || first.meanMs < settled.meanMs + SLOW_MARGIN_MS) continue;
    slowPods.push(t.pod);
    const laterText = later.answers > 0 ? `, ${formatDuration(later.meanMs)} over the ${formatDuration(2 * SLOW_START_MS)} after that` : '';
    evidence.push(
      `${t.pod}: ready at ${formatAt(t.readyMs)}, answering from ${formatAt(startMs)}; mean service time ${formatDuration(first.meanMs)} over its first ${formatDuration(SLOW_START_MS)} (${plural(first.answers, 'answer')})${laterText}; the settled pods meanwhile ${formatDuration(settled.meanMs)}`,
    );
  }
  if (slowPods.length === 0) return null;
  evidence.push('The pods were marked ready, and sent traffic, before they could serve at full speed.');
  return {
    id: 'slow-start',
    severity: 'warning',
    title: `${plural(slowPods.length, 'new pod')} served slowly in ${slowPods.length === 1 ? 'its' : 'their'} first ${formatDuration(SLOW_START_MS)} after becoming ready`,
    evidence,
    fix: FIXES['slow-start'],
    pods: slowPods,
    failures: 0,
  };
}
