import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Agent, request } from 'node:http';
import { createServiceProxy } from '../../../src/cluster/local/service-proxy.js';
import { isUsageError } from '../../../src/errors.js';

async function backend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.setHeader('x-pod-name', name);
    res.end(name);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, agent: Agent | false): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

test('service proxy: new connections go round robin; established ones stay when an endpoint is removed', async (t) => {
  const a = await backend('a');
  const b = await backend('b');
  const proxy = await createServiceProxy({ port: 0 });
  t.after(async () => {
    await proxy.close();
    a.server.close();
    b.server.close();
  });
  proxy.addEndpoint({ pod: 'a', host: '127.0.0.1', port: a.port });
  proxy.addEndpoint({ pod: 'b', host: '127.0.0.1', port: b.port });
  const fresh = await Promise.all([0, 1, 2, 3].map(() => get(proxy.port, false)));
  assert.deepEqual([...fresh].sort(), ['a', 'a', 'b', 'b']);

  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const first = await get(proxy.port, agent);
  proxy.removeEndpoint(first);
  // The kept-alive connection still reaches the removed pod; a new one does not.
  assert.equal(await get(proxy.port, agent), first);
  assert.notEqual(await get(proxy.port, false), first);
  assert.deepEqual(proxy.endpoints(), [first === 'a' ? 'b' : 'a']);
});

function outcomeOfConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => s.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n'));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    s.on('close', () => resolve('closed'));
  });
}

test('service proxy: with no endpoint, or a backend that refuses, the client connection is reset', async (t) => {
  const proxy = await createServiceProxy({ port: 0 });
  t.after(() => proxy.close());
  assert.equal(await outcomeOfConnect(proxy.port), 'ECONNRESET');
  // A port nothing listens on: take one and free it again.
  const tmp = createTcpServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  const dead = (tmp.address() as AddressInfo).port;
  await new Promise((r) => tmp.close(r));
  proxy.addEndpoint({ pod: 'gone', host: '127.0.0.1', port: dead });
  assert.equal(await outcomeOfConnect(proxy.port), 'ECONNRESET');
  assert.equal(proxy.stats().noEndpoint, 1);
  assert.equal(proxy.stats().backendFailed, 1);
});

test('service proxy: a backend reset mid-request reaches the client as a reset', async (t) => {
  const rude = createTcpServer((s) => s.once('data', () => s.resetAndDestroy()));
  await new Promise<void>((r) => rude.listen(0, '127.0.0.1', r));
  const proxy = await createServiceProxy({ port: 0 });
  t.after(async () => {
    await proxy.close();
    rude.close();
  });
  proxy.addEndpoint({ pod: 'rude', host: '127.0.0.1', port: (rude.address() as AddressInfo).port });
  assert.equal(await outcomeOfConnect(proxy.port), 'ECONNRESET');
});

test('service proxy: a taken port is a one-line usage error', async (t) => {
  const first = await createServiceProxy({ port: 0 });
  t.after(() => first.close());
  await assert.rejects(createServiceProxy({ port: first.port }), (e: unknown) => {
    assert.ok(isUsageError(e));
    assert.match(e.message, /already in use; pick another port/);
    return true;
  });
});
