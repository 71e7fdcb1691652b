import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import { SLOW_START_RULES } from '../../src/analysis/findings-slow-start.js';
import type { ClusterEvent } from '../../src/results/events.js';
import { createBuckets, recordBucket, toCompact } from '../../src/results/service-buckets.js';
import type { FailureRecord, Finding, Results } from '../../src/results/types.js';
import { fail, makeResults, type ResultsSpec } from './fixtures.js';

/** ServiceMs gives the service time of answer k (of n) from `pod` in the interval at `atMs`. */
type ServiceMs = (pod: string, atMs: number, k: number, n: number) => number;

/** withService fills each interval's per-pod distributions and service sums from `serviceMs`. */
function withService(r: Results, serviceMs: ServiceMs): Results {
  for (const s of r.intervals) {
    const buckets: Record<string, number[]> = {};
    const sums: Record<string, number> = {};
    for (const [pod, n] of Object.entries(s.okByPod)) {
      const b = createBuckets();
      let us = 0;
      for (let k = 0; k < n; k += 1) {
        const v = serviceMs(pod, s.atMs, k, n) * 1000;
        recordBucket(b, v);
        us += v;
      }
      if (n > 0) buckets[pod] = toCompact(b);
      sums[pod] = us;
    }
    s.okServiceBucketsByPod = buckets;
    s.okServiceUsByPod = sums;
  }
  return r;
}

const OLD_PODS: ClusterEvent[] = [
  { kind: 'pod-created', pod: 'old-1', revision: 'r1', atMs: -9000 },
  { kind: 'pod-ready', pod: 'old-1', atMs: -8000 },
  { kind: 'pod-created', pod: 'old-2', revision: 'r1', atMs: -9000 },
  { kind: 'pod-ready', pod: 'old-2', atMs: -8000 },
];
const NEW_POD: ClusterEvent[] = [
  { kind: 'pod-created', pod: 'new-1', revision: 'r2', atMs: 10_000 },
  { kind: 'pod-ready', pod: 'new-1', atMs: 10_500 },
];
// new-1 comes up as old-1 leaves at 12 s.
const OLD_1_LEAVES: ClusterEvent[] = [...OLD_PODS, ...NEW_POD, { kind: 'pod-terminating', pod: 'old-1', graceMs: 30_000, atMs: 12_000 }];
const TRAFFIC: ResultsSpec['podTraffic'] = [{ pod: 'old-1' }, { pod: 'old-2' }, { pod: 'new-1', fromMs: 10_500 }];
const SETTLED_MS = 50;
const firstSeconds = (atMs: number): boolean => atMs >= 10_500 && atMs < 15_500;

interface Case {
  name: string;
  events?: ClusterEvent[];
  podTraffic?: ResultsSpec['podTraffic'];
  failures?: FailureRecord[];
  serviceMs: ServiceMs;
  /** dropBuckets: a results file from before per-pod distributions were recorded. */
  dropBuckets?: boolean;
  /** expect: null for no finding, else what its first evidence line must say. */
  expect: RegExp | null;
  pods?: string[];
  /** claimed: how many failures the finding counts (timeouts nothing else explained). */
  claimed?: number;
}

const CASES: Case[] = [
  {
    name: 'a cold new pod: its median moves',
    serviceMs: (pod, at) => (pod === 'new-1' && firstSeconds(at) ? 400 : SETTLED_MS),
    expect: /^new-1: ready at 10\.50 s, traffic from 10\.50 s\. Its first 5\.0 s: p50 (3|4)\d\d ms, p99 (3|4)\d\d ms \(\d+ answers\); the same pod later: p50 5\d ms, p99 5\d ms \(\d+ answers\); the settled pods meanwhile: p50 5\d ms, p99 5\d ms \(\d+ answers\)\. Slow at p50 and p99\.$/,
    pods: ['new-1'],
  },
  {
    name: 'a new pod with a slow tail only: p99, from enough answers',
    serviceMs: (pod, at, k) => (pod === 'new-1' && firstSeconds(at) && k % 10 === 0 ? 800 : SETTLED_MS),
    expect: /Its first 5\.0 s: p50 5\d ms, p99 \d{3} ms .*\. Slow at p99\.$/,
    pods: ['new-1'],
  },
  {
    name: 'a new version that is slower throughout: no slow start (the same pod later is as slow)',
    serviceMs: (pod) => (pod === 'new-1' ? 400 : SETTLED_MS),
    expect: null,
  },
  {
    name: 'a warm new pod: nothing',
    serviceMs: (_pod, _at, k) => (k % 50 === 0 ? 70 : SETTLED_MS),
    expect: null,
  },
  {
    name: 'a slightly slower start (1.5×, under the thresholds): nothing',
    serviceMs: (pod, at) => (pod === 'new-1' && firstSeconds(at) ? 75 : SETTLED_MS),
    expect: null,
  },
  {
    name: 'an old results file (no distributions): the means decide, and the evidence says so',
    serviceMs: (pod, at) => (pod === 'new-1' && firstSeconds(at) ? 400 : SETTLED_MS),
    dropBuckets: true,
    expect: /Its first 5\.0 s: mean 400 ms \(\d+ answers\); the same pod later: mean 50 ms .*\. Slow at p50\.$/,
    pods: ['new-1'],
  },
  {
    name: 'a new pod that times out in its first seconds: timeouts are slowness too',
    serviceMs: () => SETTLED_MS,
    failures: Array.from({ length: 12 }, (_, i) => fail(12_600 + i * 150, 'timeout', { pod: 'new-1', reused: true })),
    expect: /Its first 5\.0 s: p50 5\d ms, p99 5\d ms \(\d+ answers; failed: 12 timeout\); .*\. Slow at timeouts\.$/,
    pods: ['new-1'],
    // More than 2 s after ready (not-ready-traffic's) and from any other pod event (unrelated-errors'): slow-start's.
    claimed: 12,
  },
  {
    name: 'a new pod that only times out for its first seconds, then answers: its start-up begins with the timeouts',
    podTraffic: [{ pod: 'old-1' }, { pod: 'old-2' }, { pod: 'new-1', fromMs: 13_500 }],
    serviceMs: () => SETTLED_MS,
    failures: Array.from({ length: 20 }, (_, i) => fail(10_600 + i * 140, 'timeout', { pod: 'new-1', reused: true })),
    expect: /^new-1: ready at 10\.50 s, traffic from 10\.50 s\. Its first 5\.0 s: p50 5\d ms, p99 5\d ms \(\d+ answers; failed: 20 timeout\); .*\. Slow at timeouts\.$/,
    pods: ['new-1'],
    // Those in the 2 s after ready are not-ready-traffic's; the rest, slow-start's.
    claimed: 6,
  },
  {
    name: 'timeouts on a settled pod as often as on the new one: not the new pod\'s start',
    serviceMs: () => SETTLED_MS,
    // 12 each: the new pod's share is under 5× the settled pods'.
    failures: Array.from({ length: 24 }, (_, i) => fail(12_600 + i * 75, 'timeout', { pod: i % 2 ? 'new-1' : 'old-1', reused: true })),
    expect: null,
  },
  {
    name: 'an old pod ready again after not ready restarts its start-up window',
    events: [...OLD_PODS, { kind: 'pod-not-ready', pod: 'old-1', atMs: 12_000 }, { kind: 'pod-ready', pod: 'old-1', atMs: 14_000 }],
    podTraffic: [{ pod: 'old-1', toMs: 12_000 }, { pod: 'old-1', fromMs: 14_000 }, { pod: 'old-2' }],
    serviceMs: (pod, at) => (pod === 'old-1' && at >= 14_000 && at < 19_000 ? 400 : SETTLED_MS),
    expect: /^old-1: ready again \(after not ready\) at 14\.00 s, traffic from 14\.00 s\. .*Slow at p50 and p99\.$/,
    pods: ['old-1'],
  },
  {
    name: 'an old pod ready again and warm: nothing',
    events: [...OLD_PODS, { kind: 'pod-not-ready', pod: 'old-1', atMs: 12_000 }, { kind: 'pod-ready', pod: 'old-1', atMs: 14_000 }],
    podTraffic: [{ pod: 'old-1', toMs: 12_000 }, { pod: 'old-1', fromMs: 14_000 }, { pod: 'old-2' }],
    serviceMs: () => SETTLED_MS,
    expect: null,
  },
  {
    // Pinned long-lived connections (HTTP/2, gRPC): the old pods leave at 12 s, new-2's first streams come at
    // 12.5 s while new-1 is still in its start-up, so the settled pods answer in a sliver of new-2's window only;
    // a hiccup at 13-14.5 s slows every pod alike. Not a slow start: only the moments both answered compare.
    name: 'pinned connections: a hiccup that slowed every pod alike, while no settled pod answered, is no slow start',
    events: [
      ...OLD_1_LEAVES,
      { kind: 'pod-created', pod: 'new-2', revision: 'r2', atMs: 11_000 },
      { kind: 'pod-ready', pod: 'new-2', atMs: 11_500 },
      { kind: 'pod-terminating', pod: 'old-2', graceMs: 30_000, atMs: 12_000 },
    ],
    podTraffic: [{ pod: 'old-1', toMs: 12_000 }, { pod: 'old-2', toMs: 12_000 }, { pod: 'new-1', fromMs: 10_500 }, { pod: 'new-2', fromMs: 12_500 }],
    serviceMs: (_pod, at) => (at >= 13_000 && at < 14_500 ? 400 : SETTLED_MS),
    expect: null,
  },
  {
    name: 'pinned connections: a new pod slow while a settled pod answered at the same moments still is',
    events: OLD_1_LEAVES,
    podTraffic: [{ pod: 'old-1', toMs: 12_000 }, { pod: 'old-2', toMs: 13_000 }, { pod: 'new-1', fromMs: 10_500 }],
    serviceMs: (pod, at) => (pod === 'new-1' && at < 13_000 ? 400 : SETTLED_MS),
    expect: /^new-1: .*Its first 5\.0 s: p50 (3|4)\d\d ms.*the settled pods meanwhile: p50 5\d ms, p99 5\d ms \(\d+ answers\) \(the 2\.5 s of it in which both answered; the rest left out\)\. Slow at p50 and p99\.$/,
    pods: ['new-1'],
  },
];

for (const c of CASES) {
  test(`slow-start: ${c.name}`, () => {
    const r = withService(
      makeResults({ ratePerSec: 400, durationMs: 30_000, events: c.events ?? [...OLD_PODS, ...NEW_POD], podTraffic: c.podTraffic ?? TRAFFIC, failures: c.failures }),
      c.serviceMs,
    );
    if (c.dropBuckets) for (const s of r.intervals) delete s.okServiceBucketsByPod;
    const analysis = analyze(r, {});
    const f: Finding | undefined = analysis.findings.find((x) => x.id === 'slow-start');
    if (c.expect === null) {
      assert.equal(f, undefined, f?.evidence.join('\n'));
      return;
    }
    assert.ok(f, 'a slow-start finding');
    assert.deepEqual(f.pods, c.pods);
    assert.match(f.evidence[0] ?? '', c.expect);
    assert.equal(f.failures, c.claimed ?? 0);
    assert.equal(analysis.attributions.filter((a) => a.cause === 'slow-start').length, c.claimed ?? 0);
    if (c.claimed) assert.equal(analysis.findings.find((x) => x.id === 'unrelated-errors'), undefined, 'the timeouts are explained');
    assert.equal(f.data?.basis, c.dropBuckets ? 'mean' : 'p50/p99');
    // The last lines say what "slow" meant (or that only means were there), then what it means for the pods.
    assert.match(f.evidence.at(-2) ?? '', c.dropBuckets ? /no per-pod latency distributions/ : new RegExp(`p50 at least ${SLOW_START_RULES.p50Factor}×`));
  });
}
