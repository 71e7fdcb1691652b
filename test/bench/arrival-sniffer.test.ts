// The h2 accuracy bench's arrival clock against a real node:http2 server: it
// counts every request sent to the port, none sent elsewhere, and stamps each
// burst by when it was sent, also when it reads the packets long afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type ClientHttp2Session } from 'node:http2';
import { sniffable, startArrivalSniffer } from '../../bench/lib/arrival-sniffer.js';
import { skipUnless } from '../tools.js';

// Skips, naming why, where the kernel's packet stamps cannot be read: a packet socket needs root (CAP_NET_RAW);
// CI runs as root, so there it runs.
const skip = skipUnless('python3') || (sniffable() ?? false);

async function burst(session: ClientHttp2Session, n: number): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
      const r = session.request({ ':path': '/' });
      r.on('error', reject);
      r.resume();
      r.on('end', resolve);
    })),
  );
}

test('the arrival sniffer counts each request by when its packet passed lo', { skip }, async () => {
  const server = createServer((_req, res) => res.end('ok'));
  const other = createServer((_req, res) => res.end('ok'));
  await Promise.all([server, other].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  const port = (s: typeof server): number => (s.address() as { port: number }).port;
  const sniffer = await startArrivalSniffer(port(server));
  const a = connect(`http://127.0.0.1:${port(server)}`);
  const b = connect(`http://127.0.0.1:${port(other)}`);
  let stopped = false;
  try {
    // The sniffer is stopped until the end: it reads every packet long after it passed, by its kernel stamp.
    process.kill(sniffer.pid, 'SIGSTOP');
    const firstFrom = Date.now();
    await burst(a, 20);
    const firstTo = Date.now();
    await burst(b, 15); // another port: not counted
    await new Promise((r) => setTimeout(r, 250));
    const secondFrom = Date.now();
    await burst(a, 30);
    const secondTo = Date.now();
    a.close();
    b.close();
    await new Promise((r) => setTimeout(r, 100));
    process.kill(sniffer.pid, 'SIGCONT');
    const c = await sniffer.stop();
    stopped = true;
    assert.deepEqual([c.gaps, c.drops, c.unseen], [0, 0, 0]);
    const within = (from: number, to: number): number => c.perMs.filter(([ms]) => ms >= from && ms <= to).reduce((n, [, k]) => n + k, 0);
    assert.equal(within(firstFrom, firstTo), 20);
    assert.equal(within(secondFrom, secondTo), 30);
    assert.equal(c.perMs.reduce((n, [, k]) => n + k, 0), 50);
  } finally {
    if (!stopped) {
      process.kill(sniffer.pid, 'SIGCONT');
      await sniffer.stop().catch(() => undefined);
    }
    a.destroy();
    b.destroy();
    await Promise.all([server, other].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
});
