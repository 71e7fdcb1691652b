// test-lane: slow: real traffic phases of seconds
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Results } from '../../src/results/types.js';
import { answer, failedOf, freePort, runTraffic, settingsFor, startServer } from './harness.js';

function assertInvariant(r: Results): void {
  const t = r.totals;
  assert.equal(
    t.sent,
    t.ok + t.failed + (t.queueExpired ?? 0) + t.inFlightAtStop,
    'sent = ok + failed + queueExpired + inFlightAtStop',
  );
  assert.equal(t.inFlightCounted, t.inFlightAtStop, "the engine's own in-flight count is the books' figure");
  assert.equal(r.failures.length, t.failed, 'every failure kept');
  const intervalSent = r.intervals.reduce((a, i) => a + i.sent, 0);
  assert.equal(intervalSent, t.sent, 'intervals add up to the totals');
  const byKind = Object.values(t.byKind).reduce((a, b) => a + (b ?? 0), 0);
  assert.equal(byKind, t.ok + t.failed);
}

test('a server destroying every 25th socket: sent ~1200 at 300/s for 4 s, failures exactly the destroyed ones', async () => {
  const server = await startServer((n, req, res, counts) => {
    if (n % 25 === 0) {
      counts.destroyed += 1;
      req.socket.destroy();
      return;
    }
    answer(res, counts);
  });
  try {
    const r = await runTraffic(server.url, settingsFor({ ratePerSec: 300 }), { durationMs: 4000 });
    assertInvariant(r);
    assert.ok(Math.abs(r.totals.sent - 1200) <= 36, `sent ${r.totals.sent} within 3 % of 1200`);
    assert.equal(r.totals.inFlightAtStop, 0);
    assert.equal(r.totals.sent, server.counts.requests, 'every request reached the server');
    assert.equal(r.totals.failed, server.counts.destroyed);
    assert.equal(r.totals.ok, server.counts.answered);
    assert.equal(r.totals.failed, Math.floor(r.totals.sent / 25));
    for (const f of r.failures) {
      assert.ok(f.kind === 'reset' || f.kind === 'closed_before_response', f.kind);
      // The keep-alive pool reuses connections, so the server closed a reused one before answering.
      if (f.reused) {
        assert.equal(f.kind, 'closed_before_response');
        assert.equal(f.pod, 'pod-a', 'pod last seen on the connection');
      }
      assert.match(f.connId, /^w0:c\d+$/);
      assert.ok(f.endAtMs >= f.startAtMs && f.startAtMs >= f.intendedAtMs);
    }
    assert.equal(
      r.intervals.reduce((a, i) => a + (i.okByPod['pod-a'] ?? 0), 0),
      r.totals.ok,
    );
  } finally {
    await server.close();
  }
});

test('fresh connections: every request on a new connection, a destroyed socket is a reset', async () => {
  const server = await startServer((n, req, res, counts) => {
    if (n % 5 === 0) {
      counts.destroyed += 1;
      req.socket.destroy();
      return;
    }
    answer(res, counts);
  });
  try {
    const r = await runTraffic(server.url, settingsFor({ ratePerSec: 100, freshPercent: 100 }), {
      durationMs: 1000,
    });
    assertInvariant(r);
    assert.equal(r.totals.byConn.reused.completed, 0);
    assert.equal(r.totals.byPopulation.keepalive.sent, 0);
    assert.equal(r.totals.failed, server.counts.destroyed);
    assert.deepEqual(Object.keys(failedOf(r)), ['reset']);
    assert.ok(r.failures.every((f) => !f.reused && f.population === 'fresh'));
    assert.equal(
      new Set(r.failures.map((f) => f.connId)).size,
      r.failures.length,
      'one connection each',
    );
  } finally {
    await server.close();
  }
});

test('a 20 % fresh share is split evenly and counted by population', async () => {
  const server = await startServer((_n, _req, res, counts) => answer(res, counts));
  try {
    const r = await runTraffic(server.url, settingsFor({ ratePerSec: 200, freshPercent: 20 }), {
      durationMs: 1000,
    });
    assertInvariant(r);
    const { keepalive, fresh } = r.totals.byPopulation;
    assert.equal(keepalive.sent + fresh.sent, r.totals.sent);
    assert.ok(
      Math.abs(fresh.sent - r.totals.sent / 5) <= 1,
      `fresh ${fresh.sent} of ${r.totals.sent}`,
    );
    assert.ok(
      r.totals.byConn.new.completed >= fresh.sent,
      'fresh requests are all on new connections',
    );
    assert.equal(r.totals.failed, 0);
  } finally {
    await server.close();
  }
});

test('nothing listening: every request is refused, on a new connection', async () => {
  const port = await freePort();
  const r = await runTraffic(
    `http://127.0.0.1:${port}/`,
    settingsFor({ ratePerSec: 100, connections: 4 }),
    {
      durationMs: 800,
    },
  );
  assertInvariant(r);
  assert.ok(r.totals.sent >= 70, `sent ${r.totals.sent}`);
  assert.equal(r.totals.ok, 0);
  assert.deepEqual(failedOf(r), { refused: r.totals.sent });
  assert.ok(
    r.failures.every((f) => !f.reused && f.errorCode === 'ECONNREFUSED' && f.connId !== ''),
  );
});

test("a stalled server: requests on a connection time out; those that never got one are the generator's shortfall", async () => {
  const server = await startServer(() => undefined);
  try {
    const r = await runTraffic(
      server.url,
      settingsFor({ ratePerSec: 50, connections: 2, timeoutMs: 300 }),
      {
        durationMs: 600,
        drainMs: 2000,
      },
    );
    assertInvariant(r);
    assert.equal(r.totals.inFlightAtStop, 0);
    assert.equal(r.totals.ok, 0);
    assert.ok((r.totals.queueExpired ?? 0) > 0, 'requests waited --timeout for a connection');
    assert.deepEqual(failedOf(r), { timeout: r.totals.sent - (r.totals.queueExpired ?? 0) });
    for (const f of r.failures) {
      assert.equal(f.errorCode, 'UND_ERR_HEADERS_TIMEOUT', 'a timeout is the server not answering');
      assert.match(f.connId, /^w0:c\d+$/);
      assert.ok(f.latencyMs >= 290, `timed out after ${f.latencyMs} ms`);
    }
    const intervalExpired = r.intervals.reduce((a, i) => a + (i.queueExpired ?? 0), 0);
    assert.equal(intervalExpired, r.totals.queueExpired, 'intervals add up to the totals');
  } finally {
    await server.close();
  }
});

test('too few connections for rate × latency: the queue is the client\'s, no request fails, the books balance', async () => {
  // 2 connections × (1 / 100 ms) carry 20 req/s; 60 req/s are sent.
  const server = await startServer((_n, _req, res, counts) => {
    setTimeout(() => answer(res, counts), 100);
  });
  try {
    const r = await runTraffic(
      server.url,
      settingsFor({ ratePerSec: 60, connections: 2, timeoutMs: 400 }),
      { durationMs: 1500, drainMs: 3000 },
    );
    assertInvariant(r);
    assert.equal(r.totals.failed, 0, 'the server answered everything it got');
    assert.ok((r.totals.queueExpired ?? 0) >= 20, `queue expired ${r.totals.queueExpired}`);
    assert.equal(r.totals.ok, server.counts.answered);
  } finally {
    await server.close();
  }
});

test('5xx and 4xx answers are failures with their status, counted exactly', async () => {
  const server = await startServer((n, _req, res, counts) => {
    answer(res, counts, n % 4 === 0 ? 503 : n % 10 === 0 ? 404 : 200);
  });
  try {
    const r = await runTraffic(server.url, settingsFor({ ratePerSec: 200 }), { durationMs: 1000 });
    assertInvariant(r);
    assert.equal(r.totals.byKind.http_5xx, server.counts.status[503]);
    assert.equal(r.totals.byKind.http_4xx, server.counts.status[404]);
    assert.equal(r.totals.ok, server.counts.status[200]);
    assert.ok(
      r.failures.every((f) => (f.kind === 'http_5xx' ? f.status === 503 : f.status === 404)),
    );
    assert.ok(
      r.failures.every((f) => f.pod === 'pod-a'),
      'the pod that answered',
    );
  } finally {
    await server.close();
  }
});

test('a server closing keep-alive connections right after answering: ok or closed_before_response, nothing else', async () => {
  const server = await startServer((_n, req, res, counts) => {
    res.setHeader('x-pod-name', 'pod-b');
    res.end('ok', () => {
      counts.answered += 1;
      // A graceful close (FIN) right after the answer, as a server closing keep-alive connections does.
      req.socket.end();
    });
  });
  try {
    const r = await runTraffic(server.url, settingsFor({ ratePerSec: 300 }), { durationMs: 1000 });
    assertInvariant(r);
    assert.equal(r.totals.ok, server.counts.answered, 'every answer arrived');
    for (const f of r.failures) {
      assert.equal(f.kind, 'closed_before_response', `${f.kind} ${f.errorCode}`);
      assert.equal(f.reused, true);
    }
    assert.ok(
      r.totals.byConn.new.completed > r.totals.sent / 2,
      'most requests needed a new connection',
    );
  } finally {
    await server.close();
  }
});

test('--max-in-flight: the excess is counted as dropped, never skipped silently', async () => {
  const server = await startServer(() => undefined);
  try {
    const r = await runTraffic(
      server.url,
      settingsFor({ ratePerSec: 100, maxInFlight: 5, timeoutMs: 10_000 }),
      {
        durationMs: 1000,
        drainMs: 0,
      },
    );
    assertInvariant(r);
    assert.equal(r.totals.sent, 5);
    assert.equal(r.totals.inFlightAtStop, 5);
    assert.ok(
      Math.abs(r.totals.sent + r.totals.dropped - 100) <= 1,
      `scheduled ${r.totals.sent + r.totals.dropped}`,
    );
    assert.equal(
      r.intervals.reduce((a, i) => a + i.dropped, 0),
      r.totals.dropped,
    );
  } finally {
    await server.close();
  }
});

test('warm-up traffic reaches the server but is not counted', async () => {
  const server = await startServer((_n, _req, res, counts) => answer(res, counts));
  try {
    const r = await runTraffic(server.url, settingsFor({ ratePerSec: 100 }), {
      durationMs: 1000,
      warmupMs: 500,
    });
    assertInvariant(r);
    assert.ok(Math.abs(r.totals.sent - 100) <= 5, `sent ${r.totals.sent}`);
    assert.ok(server.counts.requests >= r.totals.sent + 45, `server saw ${server.counts.requests}`);
    assert.ok((r.intervals[0]?.atMs ?? 0) >= 400, 'intervals start after the warm-up');
  } finally {
    await server.close();
  }
});

test('scheduling lag includes the wait for a free connection; latency counts from the intended time', async () => {
  // One connection, 30 ms per answer, a request every 20 ms: a queue builds up.
  const server = await startServer((_n, _req, res, counts) => {
    setTimeout(() => answer(res, counts), 30);
  });
  try {
    const r = await runTraffic(server.url, settingsFor({ ratePerSec: 50, connections: 1 }), {
      durationMs: 1000,
      drainMs: 5000,
    });
    assertInvariant(r);
    const t = r.totals;
    assert.equal(t.ok, t.sent);
    assert.ok(t.lag.p90Us > 100_000, `lag p90 ${t.lag.p90Us} µs includes the queue`);
    assert.ok(
      t.service?.p50Us !== undefined && t.service.p50Us < 200_000,
      'service time excludes it',
    );
    assert.ok(t.latency.maxUs >= t.lag.maxUs, 'latency from the intended time covers the lag');
  } finally {
    await server.close();
  }
});

test('at a full --max-in-flight the schedule waits for capacity, yet each drop is counted in the interval it was due', async () => {
  // Every 4th request is answered after 150 ms, the rest never: capacity comes back only now and then.
  const server = await startServer((n, _req, res, counts) => {
    if (n % 4 === 0) setTimeout(() => answer(res, counts), 150);
  });
  try {
    const r = await runTraffic(
      server.url,
      settingsFor({ ratePerSec: 200, maxInFlight: 4, timeoutMs: 10_000 }),
      { durationMs: 1000, drainMs: 0 },
    );
    assertInvariant(r);
    assert.ok(
      Math.abs(r.totals.sent + r.totals.dropped - 200) <= 1,
      `scheduled ${r.totals.sent + r.totals.dropped}`,
    );
    assert.ok(r.totals.ok >= 1, 'capacity came back');
    // 20 intended per interval: each interval holds its own drops, not a lump at a wake-up.
    const full = r.intervals.slice(2, -1);
    for (const i of full)
      assert.ok(
        i.dropped + i.sent >= 18 && i.dropped + i.sent <= 22,
        `interval at ${i.atMs}: sent ${i.sent}, dropped ${i.dropped}`,
      );
  } finally {
    await server.close();
  }
});
