import type { ClusterEventKind } from '../results/events.js';
import { KIND_STYLE } from '../results/kind-style.js';
import { OUTCOME_KINDS, type FailureRecord, type OutcomeKind } from '../results/types.js';

/** formatDuration writes a span for people: "3 ms", "3.0 s", "42 s", "2m05s". */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 10_000) return `${sign}${(abs / 1000).toFixed(1)} s`;
  if (abs < 60_000) return `${sign}${Math.round(abs / 1000)} s`;
  const totalSec = Math.round(abs / 1000);
  const min = Math.floor(totalSec / 60);
  const sec = totalSec % 60;
  return `${sign}${min}m${String(sec).padStart(2, '0')}s`;
}

/** formatAt writes a run-clock time as seconds since the run start: "12.34 s". */
export function formatAt(atMs: number): string {
  return `${(atMs / 1000).toFixed(2)} s`;
}

/** KIND_NOUN names each outcome kind in a sentence ("reset 3 ms after …"); from KIND_STYLE. */
export const KIND_NOUN = Object.fromEntries(OUTCOME_KINDS.map((k) => [k, KIND_STYLE[k].noun])) as Record<OutcomeKind, string>;

/** failureNoun names one failure, with its status for HTTP errors ("HTTP 503"). */
export function failureNoun(f: FailureRecord): string {
  if ((f.kind === 'http_5xx' || f.kind === 'http_4xx') && f.status !== undefined) return `HTTP ${f.status}`;
  return KIND_NOUN[f.kind];
}

// What happened to a pod, as a predicate after its name: "demo-x was SIGKILLed".
const EVENT_PREDICATE: Partial<Record<ClusterEventKind, string>> = {
  'pod-created': 'was created',
  'pod-started': 'started',
  'pod-ready': 'became ready',
  'pod-not-ready': 'became not ready',
  'pod-terminating': 'was marked terminating',
  'endpoint-added': 'was added to the endpoints',
  'endpoint-not-ready': 'was marked not ready in the endpoints',
  'endpoint-removed': 'was removed from the endpoints',
  'prestop-started': 'started its preStop hook',
  'prestop-finished': 'finished its preStop hook',
  sigterm: 'got SIGTERM',
  sigkill: 'was SIGKILLed',
  exited: 'exited',
  'pod-deleted': 'was deleted',
};

/** eventPredicate says what an event did to its pod, for a sentence ("was SIGKILLed"). */
export function eventPredicate(kind: string): string {
  return EVENT_PREDICATE[kind as ClusterEventKind] ?? kind;
}

/** relation writes "3 ms after" / "40 ms before" for a failure relative to an event. */
export function relation(deltaMs: number): string {
  if (Math.abs(deltaMs) < 0.5) return 'at the moment';
  return deltaMs >= 0 ? `${formatDuration(deltaMs)} after` : `${formatDuration(-deltaMs)} before`;
}

/** plural writes "1 request" / "3 requests". */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}

/** listPods names up to `max` pods and says how many more. */
export function listPods(pods: readonly string[], max = 4): string {
  if (pods.length <= max) return pods.join(', ');
  return `${pods.slice(0, max).join(', ')} and ${pods.length - max} more`;
}
