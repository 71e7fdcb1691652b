// Results of node drains for report, summary and dashboard tests, shaped as the
// embedded runtime writes them (`rollcheck local --nodes 2 --trigger drain=node-1`).
import type { ClusterEvent } from '../../src/results/events.js';
import type { Results } from '../../src/results/types.js';
import { fail, makeResults } from '../analysis/fixtures.js';

const pdb = (atMs: number, allowed: number, healthy: number): ClusterEvent => ({ kind: 'pdb-status', name: 'demo', disruptionsAllowed: allowed, currentHealthy: healthy, desiredHealthy: 2, expectedPods: 3, atMs });

/** podLife is a pod placed on a node, ready a second later; evicted at `evictMs` (then gone 1.5 s later) when given. */
export function podLife(pod: string, node: string, createdMs: number, evictMs?: number): ClusterEvent[] {
  const out: ClusterEvent[] = [
    { kind: 'pod-created', pod, podUid: `uid-${pod}-${createdMs}`, revision: 'r1', node, atMs: createdMs },
    { kind: 'pod-ready', pod, podUid: `uid-${pod}-${createdMs}`, atMs: createdMs + 1000 },
  ];
  if (evictMs === undefined) return out;
  const uid = `uid-${pod}-${createdMs}`;
  out.push(
    { kind: 'evicted', pod, podUid: uid, node, atMs: evictMs },
    { kind: 'pod-terminating', pod, podUid: uid, graceMs: 30_000, reason: 'evicted', atMs: evictMs + 1 },
    { kind: 'sigterm', pod, podUid: uid, atMs: evictMs + 2 },
    { kind: 'exited', pod, podUid: uid, exitCode: 0, signal: null, afterSigtermMs: 1400, atMs: evictMs + 1402 },
    { kind: 'pod-deleted', pod, podUid: uid, atMs: evictMs + 1500 },
  );
  return out;
}

/**
 * drainResults: pods a and b on node-1, c on node-2, a budget `demo` allowing
 * one disruption. The drain starts at 5 s: a is evicted, b refused (429) until
 * a's replacement d is ready, then evicted at 10 s (replacement e); the drain
 * ends at 12 s. Two resets come from b while it is going.
 */
export function drainResults(): Results {
  const events: ClusterEvent[] = [
    ...podLife('demo-a', 'node-1', -5000, 5001),
    ...podLife('demo-b', 'node-1', -5000, 10_001),
    ...podLife('demo-c', 'node-2', -5000),
    pdb(-3900, 1, 3),
    { kind: 'drain-started', node: 'node-1', atMs: 5000 },
    { kind: 'node-cordoned', node: 'node-1', atMs: 5000 },
    { kind: 'eviction-refused', pod: 'demo-b', podUid: 'uid-demo-b--5000', status: 429, pdb: 'demo', reason: "Cannot evict pod as it would violate the pod's disruption budget.", atMs: 5002 },
    ...podLife('demo-d', 'node-2', 5003),
    pdb(5004, 0, 2),
    pdb(6004, 1, 3),
    ...podLife('demo-e', 'node-2', 10_003),
    pdb(10_004, 0, 2),
    pdb(11_004, 1, 3),
    { kind: 'drain-finished', node: 'node-1', ok: true, evicted: 2, atMs: 12_000 },
  ];
  return makeResults({
    durationMs: 15_000,
    events,
    failures: [fail(10_500, 'reset', { pod: 'demo-b', reused: true }), fail(10_600, 'reset', { pod: 'demo-b', reused: true })],
    podTraffic: [{ pod: 'demo-a', toMs: 5000 }, { pod: 'demo-b', toMs: 10_000 }, { pod: 'demo-c' }, { pod: 'demo-d', fromMs: 6000 }, { pod: 'demo-e', fromMs: 11_000 }],
  });
}

/**
 * statefulSetDrainResults: a StatefulSet's demo-0 on node-1 is evicted by a
 * drain at 5 s and comes back under the same name on node-2 (ready at 7.6 s);
 * demo-1 stays on node-2. HTTP/2 connections and answers name pods by the raw
 * pod header (`demo-0` for both incarnations); one reset on each incarnation.
 */
export function statefulSetDrainResults(): Results {
  const events: ClusterEvent[] = [
    ...podLife('demo-0', 'node-1', -5000, 5001),
    ...podLife('demo-1', 'node-2', -5000),
    { kind: 'drain-started', node: 'node-1', atMs: 5000 },
    { kind: 'node-cordoned', node: 'node-1', atMs: 5000 },
    ...podLife('demo-0', 'node-2', 6600),
    { kind: 'drain-finished', node: 'node-1', ok: true, evicted: 1, atMs: 6501 },
    { kind: 'node-uncordoned', node: 'node-1', atMs: 9000 },
  ];
  const r = makeResults({
    durationMs: 12_000,
    events,
    failures: [fail(5500, 'reset', { pod: 'demo-0', reused: true }), fail(9500, 'reset', { pod: 'demo-0', reused: true })],
    podTraffic: [{ pod: 'demo-0', toMs: 5000 }, { pod: 'demo-1' }, { pod: 'demo-0', fromMs: 7600 }],
  });
  r.meta.params.protocol = 'h2c';
  r.connections = [
    { connId: 'w0:c1', population: 'keepalive', openedAtMs: 100, closedAtMs: 6500, pod: 'demo-0', streams: 300, goaways: [{ atMs: 6400, errorCode: 'NO_ERROR', lastStreamId: 599, streamsOpen: 1 }], streamsOpenAtClose: 0 },
    { connId: 'w0:c2', population: 'keepalive', openedAtMs: 150, pod: 'demo-1', streams: 600, goaways: [] },
    { connId: 'w0:c3', population: 'keepalive', openedAtMs: 7700, pod: 'demo-0', streams: 200, goaways: [] },
  ];
  r.totals.connections = { kept: 3, freshOmitted: 0, freshOmittedByPod: {} };
  return r;
}
