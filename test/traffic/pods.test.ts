import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { runTraffic, settingsFor, startServer } from './harness.js';

test('the pod of a failure is the --pod-header value last seen on its own connection', async () => {
  // Each connection is served by one "pod"; every 10th request destroys its connection.
  const podOf = new WeakMap<Socket, string>();
  const served = new WeakSet<Socket>();
  let next = 0;
  const destroyedPods: string[] = [];
  const server = await startServer((n, req, res, counts) => {
    let pod = podOf.get(req.socket);
    if (pod === undefined) {
      pod = `pod-${(next += 1) % 3}`;
      podOf.set(req.socket, pod);
    }
    if (n % 10 === 0 && n > 20) {
      // Only a connection that answered before has told the client its pod.
      if (served.has(req.socket)) destroyedPods.push(pod);
      counts.destroyed += 1;
      req.socket.destroy();
      return;
    }
    served.add(req.socket);
    res.setHeader('x-served-by', pod);
    res.end('ok', () => void (counts.answered += 1));
  });
  try {
    const r = await runTraffic(
      server.url,
      settingsFor({ ratePerSec: 200, connections: 6, podHeader: 'x-served-by' }),
      {
        durationMs: 1000,
      },
    );
    assert.equal(r.totals.failed, server.counts.destroyed);
    const reused = r.failures.filter((f) => f.reused);
    assert.ok(reused.length > 0);
    // A request on a reused connection names the pod that answered there before.
    assert.deepEqual(reused.map((f) => f.pod).sort(), [...destroyedPods].sort());
    const okByPod = r.intervals.reduce<Record<string, number>>((acc, i) => {
      for (const [p, c] of Object.entries(i.okByPod)) acc[p] = (acc[p] ?? 0) + c;
      return acc;
    }, {});
    assert.equal(
      Object.values(okByPod).reduce((a, b) => a + b, 0),
      r.totals.ok,
    );
    assert.ok(Object.keys(okByPod).length >= 2, Object.keys(okByPod).join());
  } finally {
    await server.close();
  }
});
