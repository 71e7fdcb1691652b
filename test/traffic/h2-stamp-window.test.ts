// The lean HTTP/2 client writes a request in the interval it is stamped
// `started` in: against a real node:http2 server answering 503 (so every
// request is kept individually with its stamp), each request's stamp is lined
// up with the kernel's stamp of its packet on lo (the h2 accuracy bench's
// arrival clock, root only). A client that held requests across an interval
// edge (a flush on a timer, a batch kept past the tick) moves a share of them
// into the next interval, as the server counts them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http2';
import { sniffable, startArrivalSniffer } from '../../bench/lib/arrival-sniffer.js';
import { INTERVAL_MS } from '../../src/results/types.js';
import { runTraffic, settingsFor } from './harness.js';
import { skipUnless } from '../tools.js';

const skip = skipUnless('python3') || (sniffable() ?? false);

test('h2c requests reach the server\'s socket in the interval they are stamped in', { skip }, async () => {
  const server = createServer((_req, res) => {
    res.statusCode = 503;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const sniffer = await startArrivalSniffer(port, true);
  let stopped = false;
  try {
    const r = await runTraffic(`http://127.0.0.1:${port}/`, settingsFor({ protocol: 'h2c', ratePerSec: 1000, connections: 4 }), { durationMs: 1500 });
    const caught = await sniffer.stop();
    stopped = true;
    assert.deepEqual([caught.gaps, caught.drops, caught.unseen], [0, 0, 0]);
    const stamped = r.failures.map((f) => r.meta.startEpochMs + f.startAtMs).sort((a, b) => a - b);
    const arrived = (caught.stampsUs ?? []).map((us) => us / 1000).sort((a, b) => a - b);
    assert.equal(r.totals.sent, stamped.length, 'every request answered 503 and kept');
    assert.equal(arrived.length, stamped.length, 'every request reached the socket once');
    // The k-th request stamped and the k-th to arrive: the same interval of the run clock.
    const interval = (epochMs: number): number => Math.floor((epochMs - r.meta.startEpochMs) / INTERVAL_MS);
    const moved = stamped.filter((ms, k) => interval(ms) !== interval(arrived[k] as number)).length;
    // A preemption between stamp and write at an edge may move one or two on a loaded machine; a held batch moves tens.
    assert.ok(moved <= stamped.length / 100, `${moved} of ${stamped.length} requests reached the socket in another interval than the one they were stamped in`);
  } finally {
    if (!stopped) await sniffer.stop().catch(() => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
