// The HTTP/2 and gRPC findings (no-graceful-stop, goaway-race,
// graceful-stop-exceeds-grace, connection-pinning) from connection records and
// stream fates, and the rule that each names its mechanism only when the
// evidence shows it: the same cut streams with and without a GOAWAY before them
// are different findings, and a pod that ignored SIGTERM stays sigterm-ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import type { ClusterEvent } from '../../src/results/events.js';
import type { ConnectionRecord, FailureRecord, FindingId, Results } from '../../src/results/types.js';
import { fail, gracefulPodEvents, makeResults, shellPodEvents } from './fixtures.js';

const POD = 'web-1';

function conn(id: string, pod: string, extra: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return { connId: id, population: 'keepalive', openedAtMs: 100, pod, streams: 50, goaways: [], ...extra };
}

function h2Fail(atMs: number, kind: FailureRecord['kind'], connId: string, extra: Partial<FailureRecord> = {}): FailureRecord {
  return fail(atMs, kind, { pod: POD, reused: true, connId, streamId: 101, ...extra });
}

function run(failures: FailureRecord[], events: ClusterEvent[], connections?: ConnectionRecord[]): Results {
  const r = makeResults({ failures, events });
  if (connections) r.connections = connections;
  return r;
}

function ids(r: Results): FindingId[] {
  return analyze(r, { maxErrors: 0 }).findings.map((f) => f.id);
}

// The pod exits 30 ms after its SIGTERM at 2001 ms, with no preStop.
const ABRUPT = gracefulPodEvents(POD, 2000, { drainMs: 30 });

interface Case {
  name: string;
  results: () => Results;
  expect: FindingId[];
  absent: FindingId[];
}

const CASES: Case[] = [
  {
    name: 'streams cut by a connection that closed with no GOAWAY at SIGTERM: no-graceful-stop, from the records',
    results: () =>
      run(
        [1, 2, 3].map((i) => h2Fail(2035 + i, 'connection_closed', 'w0:c1', { errorCode: 'CLOSED_WITHOUT_GOAWAY', streamId: 100 + i * 2 })),
        ABRUPT,
        [conn('w0:c1', POD, { closedAtMs: 2034, streamsOpenAtClose: 3 })],
      ),
    expect: ['no-graceful-stop'],
    absent: ['keepalive-reset', 'goaway-race', 'graceful-stop-exceeds-grace'],
  },
  {
    name: 'the same without connection records (an older file): the streams\' close codes say no GOAWAY came',
    results: () => run([h2Fail(2035, 'connection_closed', 'w0:c1', { errorCode: 'CLOSED_WITHOUT_GOAWAY' })], ABRUPT),
    expect: ['no-graceful-stop'],
    absent: ['keepalive-reset', 'goaway-race'],
  },
  {
    name: 'an ECONNRESET under a stream with no record: nothing says whether a GOAWAY came, so no HTTP/2 mechanism is named',
    results: () => run([h2Fail(2035, 'reset', 'w0:c1', { errorCode: 'ECONNRESET' })], ABRUPT),
    expect: ['keepalive-reset'],
    absent: ['no-graceful-stop', 'goaway-race'],
  },
  {
    name: 'a new connection opened after SIGTERM and reset under its first stream (a Service proxy that accepted it for a dead pod): the endpoint race',
    results: () =>
      run([h2Fail(2100, 'reset', 'w0:c7', { errorCode: 'ECONNRESET', reused: false, streamId: 1, pod: undefined })], ABRUPT, [
        conn('w0:c7', '127.0.0.1:8080', { openedAtMs: 2095, closedAtMs: 2099, streams: 1, streamsOpenAtClose: 1, closeError: 'ECONNRESET' }),
      ]),
    expect: ['no-prestop-drain'],
    absent: ['no-graceful-stop', 'goaway-race'],
  },
  {
    name: 'the same with three streams sent on it before the reset (the later ones count as reused): it finished none, so still the endpoint race',
    results: () =>
      run([3, 5, 7].map((id) => h2Fail(2100, 'reset', 'w0:c7', { errorCode: 'ECONNRESET', reused: id > 1, streamId: id, pod: undefined })), ABRUPT, [
        conn('w0:c7', '127.0.0.1:8080', { openedAtMs: 2095, closedAtMs: 2099, streams: 3, streamsOpenAtClose: 3, closeError: 'ECONNRESET' }),
      ]),
    expect: ['no-prestop-drain'],
    absent: ['no-graceful-stop', 'goaway-race'],
  },
  {
    name: 'the same in a gRPC run with the streams never sent (cut before the server\'s SETTINGS: no stream id), failed before the close record: the endpoint race, never keepalive-reset',
    results: () => {
      const r = run([1, 2, 3].map((i) => h2Fail(2100 + i, 'reset', 'w0:c7', { errorCode: 'ECONNRESET', reused: i > 1, streamId: undefined, pod: undefined })), ABRUPT, [
        conn('w0:c7', '127.0.0.1:8080', { openedAtMs: 2095, closedAtMs: 2104, streams: 3, streamsOpenAtClose: 0, closeError: 'ECONNRESET' }),
      ]);
      r.meta.params.protocol = 'grpc';
      return r;
    },
    expect: ['no-prestop-drain'],
    absent: ['keepalive-reset', 'no-graceful-stop', 'goaway-race'],
  },
  {
    name: 'streams refused just after the pod\'s GOAWAY, one reset: goaway-race, two a standard client retries',
    results: () =>
      run(
        [h2Fail(2050, 'goaway_refused', 'w0:c1', { streamId: 201 }), h2Fail(2051, 'stream_refused', 'w0:c1', { streamId: 203 }), h2Fail(2300, 'stream_reset', 'w0:c1', { errorCode: 'CANCEL', streamId: 199 })],
        gracefulPodEvents(POD, 2000, { drainMs: 500 }),
        [conn('w0:c1', POD, { closedAtMs: 2500, streamsOpenAtClose: 0, goaways: [{ atMs: 2002, errorCode: 'NO_ERROR', lastStreamId: 199, streamsOpen: 3 }] })],
      ),
    expect: ['goaway-race'],
    absent: ['no-graceful-stop', 'keepalive-reset', 'no-prestop-drain'],
  },
  {
    name: 'a gRPC call CANCELLED 3 ms after its connection\'s GOAWAY from a stopping pod (grpcio\'s stop): goaway-race',
    results: () =>
      run([h2Fail(2060, 'grpc_error', 'w0:c1', { errorCode: 'CANCELLED', status: 200, streamId: 25 })], gracefulPodEvents(POD, 2000, { drainMs: 100 }), [
        conn('w0:c1', POD, { closedAtMs: 2080, streamsOpenAtClose: 0, goaways: [{ atMs: 2057, errorCode: 'NO_ERROR', lastStreamId: 25, streamsOpen: 1 }] }),
      ]),
    expect: ['goaway-race'],
    absent: ['unrelated-errors', 'no-graceful-stop'],
  },
  {
    name: 'the same CANCELLED with no GOAWAY on its connection is the app\'s own answer: no HTTP/2 mechanism named',
    results: () =>
      run([h2Fail(2060, 'grpc_error', 'w0:c1', { errorCode: 'CANCELLED', status: 200, streamId: 25 })], gracefulPodEvents(POD, 2000, { drainMs: 100 }), [
        conn('w0:c1', POD, { closedAtMs: 2080, streamsOpenAtClose: 0 }),
      ]),
    expect: [],
    absent: ['goaway-race', 'no-graceful-stop'],
  },
  {
    name: 'a new connection refused while the pod was still routed, on an HTTP/2 run: still the endpoint race (no-prestop-drain)',
    results: () =>
      run([fail(2200, 'refused', { pod: undefined, reused: false, connId: 'w0:c9' })], gracefulPodEvents(POD, 2000, { drainMs: 30 }), [
        conn('w0:c1', POD, { closedAtMs: 2010, streamsOpenAtClose: 0, goaways: [{ atMs: 2002, errorCode: 'NO_ERROR', lastStreamId: 99, streamsOpen: 0 }] }),
      ]),
    expect: ['no-prestop-drain'],
    absent: ['goaway-race', 'no-graceful-stop'],
  },
  {
    name: 'a GOAWAY after SIGTERM and streams still open at the SIGKILL: graceful-stop-exceeds-grace, not grace-too-short',
    results: () =>
      run(
        [h2Fail(5005, 'connection_closed', 'w0:c1', { errorCode: 'CLOSED_AFTER_GOAWAY', streamId: 99 })],
        shellPodEvents(POD, 2000).filter((e) => e.kind !== 'pid1'),
        [conn('w0:c1', POD, { closedAtMs: 5004, streamsOpenAtClose: 2, goaways: [{ atMs: 2003, errorCode: 'NO_ERROR', lastStreamId: 101, streamsOpen: 2 }] })],
      ),
    expect: ['graceful-stop-exceeds-grace'],
    absent: ['grace-too-short', 'sigterm-ignored', 'no-graceful-stop', 'goaway-race'],
  },
  {
    name: 'the same with no pod header (the record names the Service\'s address): the close at its SIGKILL ties the connection to it',
    results: () =>
      run(
        [h2Fail(5005, 'connection_closed', 'w0:c1', { errorCode: 'CLOSED_AFTER_GOAWAY', streamId: 99, pod: undefined })],
        shellPodEvents(POD, 2000).filter((e) => e.kind !== 'pid1'),
        [conn('w0:c1', '127.0.0.1:8080', { peer: '127.0.0.1:8080', closedAtMs: 5004, streamsOpenAtClose: 2, goaways: [{ atMs: 2003, errorCode: 'NO_ERROR', lastStreamId: 101, streamsOpen: 2 }] })],
      ),
    expect: ['graceful-stop-exceeds-grace'],
    absent: ['grace-too-short', 'sigterm-ignored', 'no-graceful-stop'],
  },
  {
    name: 'the same pod with no GOAWAY on its connections (SIGTERM never reached the app): sigterm-ignored, no HTTP/2 finding',
    results: () =>
      run(
        [h2Fail(5005, 'connection_closed', 'w0:c1', { errorCode: 'CLOSED_WITHOUT_GOAWAY', streamId: 99 })],
        shellPodEvents(POD, 2000),
        [conn('w0:c1', POD, { closedAtMs: 5004, streamsOpenAtClose: 2 })],
      ),
    expect: ['sigterm-ignored'],
    absent: ['graceful-stop-exceeds-grace', 'no-graceful-stop', 'goaway-race'],
  },
];

for (const c of CASES) {
  test(c.name, () => {
    const found = ids(c.results());
    for (const id of c.expect) assert.ok(found.includes(id), `expected ${id}, found ${found.join(', ') || 'nothing'}`);
    for (const id of c.absent) assert.ok(!found.includes(id), `${id} must not be found (found ${found.join(', ')})`);
  });
}

test('goaway-race counts what a standard client would have retried and what reached the application', () => {
  const r = CASES.find((c) => c.name.startsWith("streams refused"))?.results() as Results;
  const f = analyze(r, { maxErrors: 0 }).findings.find((x) => x.id === 'goaway-race');
  assert.deepEqual(f?.data, { hiddenByRetry: 2, seenByApplication: 1 });
  assert.match(f?.evidence.join('\n') ?? '', /first GOAWAY came at 2\.00 s \(NO_ERROR, last-stream-id 199, 3 streams open\)/);
  assert.match(f?.evidence.join('\n') ?? '', /with no preStop hook, while it was still routed until/);
});

test('no-graceful-stop says when the pod exited and how many connections closed with streams open', () => {
  const r = CASES[0]?.results() as Results;
  const f = analyze(r, { maxErrors: 0 }).findings.find((x) => x.id === 'no-graceful-stop');
  assert.equal(f?.failures, 3);
  assert.equal(f?.data?.connectionsCut, 1);
  assert.match(f?.evidence.join('\n') ?? '', /got SIGTERM at 2\.00 s and exited 30 ms later with code 0; the 1 connection they were on closed at 2\.03 s with no GOAWAY and 3 streams open/);
});

// Three pods ready before the rollout ended at 4 s; traffic after it until 10 s, `streams` ok answers per interval each.
function pinned(streams: Record<string, number>, conns: Record<string, number>): Results {
  const events: ClusterEvent[] = [{ kind: 'rollout-started', revision: 'r2', trigger: 'restart', atMs: 1000 }];
  for (const pod of Object.keys(streams)) {
    events.push({ kind: 'pod-created', pod, revision: 'r2', atMs: 1500 }, { kind: 'pod-ready', pod, atMs: 3000 });
  }
  events.push({ kind: 'rollout-complete', revision: 'r2', atMs: 4000 });
  const r = makeResults({ events });
  r.meta.params.protocol = 'grpc';
  for (const s of r.intervals) s.okByPod = s.atMs >= 4000 ? { ...streams } : {};
  r.connections = Object.entries(conns).flatMap(([pod, n]) => Array.from({ length: n }, (_, i) => conn(`w0:${pod}:${i}`, pod, { openedAtMs: 3500 })));
  return r;
}

test('connection-pinning: a pod ready all along got 1 of 10 connections and 7% of the streams', () => {
  const a = analyze(pinned({ 'web-a': 6, 'web-b': 7, 'web-c': 1 }, { 'web-a': 4, 'web-b': 5, 'web-c': 1 }), {});
  const f = a.findings.find((x) => x.id === 'connection-pinning');
  assert.deepEqual(f?.pods, ['web-c']);
  assert.equal(f?.data?.lowestSharePct, 7.1);
  assert.match(f?.evidence.join('\n') ?? '', /web-c: ready the whole time, but only 1 connection of 10 reached it, so it got 7\.1% of the streams/);
  assert.match(f?.evidence.join('\n') ?? '', /no connection was opened after the rollout/);
});

test('connection-pinning is not found when connections and streams are spread, or when a slow pod has its connections', () => {
  assert.ok(!ids(pinned({ 'web-a': 5, 'web-b': 5, 'web-c': 4 }, { 'web-a': 3, 'web-b': 4, 'web-c': 3 })).includes('connection-pinning'));
  // Few streams on its fair share of connections is not pinning: the connections were spread.
  assert.ok(!ids(pinned({ 'web-a': 6, 'web-b': 7, 'web-c': 1 }, { 'web-a': 3, 'web-b': 4, 'web-c': 3 })).includes('connection-pinning'));
});

test('connection-pinning needs HTTP/2 connection records: an HTTP/1.1 run never shows it', () => {
  const r = pinned({ 'web-a': 6, 'web-b': 7, 'web-c': 1 }, {});
  delete r.connections;
  assert.ok(!ids(r).includes('connection-pinning'));
  const h1 = pinned({ 'web-a': 6, 'web-b': 7, 'web-c': 1 }, { 'web-a': 4, 'web-b': 5, 'web-c': 1 });
  h1.meta.params.protocol = 'http1';
  assert.ok(!ids(h1).includes('connection-pinning'), 'a keep-alive pool is no multiplexed connection');
});

test('connection-pinning judges shares from when every ready pod is routed (its endpoint-added), not from its readiness', () => {
  // web-c is ready at 3 s but the Service routes it only from 6 s (the endpoint delay): before that it could get nothing.
  const r = pinned({ 'web-a': 8, 'web-b': 8, 'web-c': 0 }, { 'web-a': 4, 'web-b': 4, 'web-c': 1 });
  r.events.push({ kind: 'endpoint-added', pod: 'web-a', atMs: 3100 }, { kind: 'endpoint-added', pod: 'web-b', atMs: 3100 }, { kind: 'endpoint-added', pod: 'web-c', atMs: 6000 });
  for (const s of r.intervals) if (s.atMs >= 6000) s.okByPod = { 'web-a': 4, 'web-b': 4, 'web-c': 3 };
  assert.ok(!ids(r).includes('connection-pinning'), 'from 6 s web-c gets 27% of the streams');
  // The same pod still starved once routed: found, its window from 6 s.
  for (const s of r.intervals) if (s.atMs >= 6000) s.okByPod = { 'web-a': 6, 'web-b': 7, 'web-c': 1 };
  const f = analyze(r, {}).findings.find((x) => x.id === 'connection-pinning');
  assert.deepEqual(f?.pods, ['web-c']);
  assert.match(f?.evidence[0] ?? '', /^After the rollout \(6\.00 s to /);
});
