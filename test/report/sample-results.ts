// A seeded, fixed-clock results file for report tests: a 20 s run at 100 req/s
// in which three shell-entrypoint pods are replaced one by one; each old pod
// ignores SIGTERM and is SIGKILLed at its 3 s grace period.
import { analyze } from '../../src/analysis/index.js';
import type { ClusterEvent } from '../../src/results/events.js';
import type { FailureRecord, Results } from '../../src/results/types.js';
import { fail, makeResults, pid1Event } from '../analysis/fixtures.js';

/** seededRandom is a small deterministic generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** sampleResults builds the seeded run, analysed with --max-errors 0; `hostile` fills names and messages with markup. */
export function sampleResults(options: { hostile?: boolean } = {}): Results {
  const rnd = seededRandom(42);
  const h = options.hostile ? '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">' : '';
  const oldPods = ['demo-5d8f-a1b2c', 'demo-5d8f-d3e4f', 'demo-5d8f-g5h6i'].map((p) => p + h);
  const newPods = ['demo-7f9c-x2k4q', 'demo-7f9c-m8n9p', 'demo-7f9c-r4s5t'].map((p) => p + h);
  const events: ClusterEvent[] = [
    { kind: 'step-started', index: 0, step: 'rollout restart' + h, atMs: 2990 },
    { kind: 'rollout-started', revision: 'r2', trigger: 'restart' + h, atMs: 3000 },
  ];
  const failures: FailureRecord[] = [];
  oldPods.forEach((pod) => {
    events.push({ kind: 'pod-created', pod, revision: 'r1', atMs: -4000 }, { kind: 'pod-ready', pod, atMs: -3000 }, pid1Event(pod, -3000));
  });
  for (let i = 0; i < 3; i += 1) {
    const start = 3000 + i * 5000;
    const np = newPods[i] ?? '';
    const op = oldPods[i] ?? '';
    events.push(
      { kind: 'pod-created', pod: np, revision: 'r2', atMs: start },
      { kind: 'pod-started', pod: np, pid: 100 + i, atMs: start + 50 },
      { kind: 'pod-ready', pod: np, atMs: start + 800 },
      { kind: 'endpoint-added', pod: np, atMs: start + 900 },
      { kind: 'pod-terminating', pod: op, graceMs: 3000, atMs: start + 1000 },
      { kind: 'sigterm', pod: op, atMs: start + 1001 },
      { kind: 'endpoint-removed', pod: op, atMs: start + 2000 },
      { kind: 'sigkill', pod: op, atMs: start + 4001 },
      { kind: 'exited', pod: op, exitCode: 137, signal: 'SIGKILL', afterSigtermMs: 3002, atMs: start + 4003 },
    );
    const n = 2 + Math.floor(rnd() * 3);
    for (let k = 0; k < n; k += 1) {
      failures.push(
        fail(start + 4003 + rnd() * 3, 'reset', {
          pod: op,
          reused: true,
          connId: `w0:c${i * 10 + k}`,
          errorCode: 'UND_ERR_SOCKET',
          message: 'other side closed' + h,
          latencyMs: 20 + rnd() * 40,
        }),
      );
    }
  }
  events.push({ kind: 'rollout-complete', revision: 'r2', atMs: 17_200 });
  // Unrelated: a few 503s far from any pod event, and a short full outage.
  failures.push(fail(1500, 'http_5xx', { status: 503, pod: newPods[0], reused: true, message: 'Service Unavailable' + h }));
  for (let t = 19_200; t < 19_500; t += 10) failures.push(fail(t + rnd() * 2, 'refused', { errorCode: 'ECONNREFUSED' }));
  const r = makeResults({ ratePerSec: 100, durationMs: 20_000, failures, events, p99Ms: 60 });
  r.meta.target = 'http://127.0.0.1:18080/' + h;
  r.meta.facts = { replicas: 3, gracePeriodMs: 3000, entrypoint: 'shell' + h };
  r.meta.warnings = options.hostile ? ['warning ' + h] : [];
  r.intervals.forEach((s, i) => {
    s.latency.p50Us = 50_000 + Math.round(rnd() * 4000);
    s.latency.p99Us = 58_000 + Math.round(rnd() * 10_000) + (i % 50 === 0 ? 40_000 : 0);
  });
  r.analysis = analyze(r, { maxErrors: 0 });
  return r;
}
