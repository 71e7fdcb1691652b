// The HTTP/2 pre-flight probe against a real node:http2 server and a closed
// port: its answer, and no timer left armed whichever way it ends (a timer of
// --timeout left behind would keep a short command's process alive that long).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http2';
import { probeH2 } from '../../src/traffic/h2/h2-probe.js';
import { freePort, settingsFor } from './harness.js';

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('a refused HTTP/2 probe answers ECONNREFUSED and leaves no timer armed', async () => {
  const port = await freePort();
  const before = timers();
  const r = await probeH2(`http://127.0.0.1:${port}/`, settingsFor({ protocol: 'h2c', timeoutMs: 600_000 }));
  assert.equal(r.answered, false);
  assert.equal(r.answered === false ? r.code : '', 'ECONNREFUSED');
  assert.equal(timers(), before, 'the probe\'s --timeout timer is still armed after a refused connect');
});

test('an answered HTTP/2 probe names the status and server, and leaves no timer armed', async () => {
  const server = createServer((req, res) => {
    res.setHeader('server', 'probe-test');
    res.statusCode = 204;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    const before = timers();
    const r = await probeH2(`http://127.0.0.1:${port}/x`, settingsFor({ protocol: 'h2c', timeoutMs: 600_000 }));
    assert.deepEqual(r.answered ? [r.status, r.server] : [], [204, 'probe-test']);
    assert.equal(timers(), before);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
