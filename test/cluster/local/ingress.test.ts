// test-lane: slow: real nginx and HAProxy
// The embedded ingress on its own: a real nginx / HAProxy in front of two real
// HTTP servers, endpoint updates, the upstream header, the pre-flight's proxy
// note, and nothing left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIngress } from '../../../src/cluster/local/ingress.js';
import type { ServiceEndpoint } from '../../../src/cluster/local/service-proxy.js';
import { createClock } from '../../../src/results/clock.js';
import type { ClusterEvent } from '../../../src/results/events.js';
import { runCli } from '../../../src/cli/program.js';
import { createTestIo } from '../../helpers.js';
import { skipUnless } from '../../tools.js';
import { ingressLeftovers } from './ingress-harness.js';

async function startApp(host: string, name: string): Promise<{ ep: ServiceEndpoint; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    res.setHeader('x-pod-name', name);
    res.end('ok\n');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { ep: { pod: name, host, port: (server.address() as AddressInfo).port }, server };
}

async function get(url: string): Promise<{ status: number; upstream: string | null; pod: string | null }> {
  const res = await fetch(url, { headers: { connection: 'close' } });
  await res.arrayBuffer();
  return { status: res.status, upstream: res.headers.get('x-upstream-addr'), pod: res.headers.get('x-pod-name') };
}

for (const proxy of ['nginx', 'haproxy'] as const) {
  test(`${proxy} ingress: routes to the ready endpoints, names the upstream, follows updates after its delay, says it is a proxy, leaves nothing`, { skip: skipUnless(proxy) }, async (t) => {
    const logDir = mkdtempSync(join(tmpdir(), 'rollcheck-ingress-test-'));
    t.after(() => rmSync(logDir, { recursive: true, force: true }));
    const a = await startApp('127.0.31.1', 'pod-a');
    const b = await startApp('127.0.31.2', 'pod-b');
    t.after(() => {
      a.server.close();
      b.server.close();
    });
    const events: ClusterEvent[] = [];
    const clock = createClock();
    const ingress = await startIngress({ kind: proxy, delayMs: 300, tls: false }, [a.ep, b.ep], { clock, emit: (e) => events.push(e) }, logDir);
    let stopped = false;
    t.after(async () => {
      if (!stopped) await ingress.stop();
    });
    assert.deepEqual(events.map((e) => e.kind === 'ingress' && e.action), ['started', 'healthy']);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i += 1) {
      const r = await get(ingress.url);
      assert.equal(r.status, 200);
      assert.equal(r.upstream, `${r.pod === 'pod-a' ? '127.0.31.1' : '127.0.31.2'}:${r.pod === 'pod-a' ? a.ep.port : b.ep.port}`);
      seen.add(r.pod ?? '');
    }
    assert.deepEqual([...seen].sort(), ['pod-a', 'pod-b']);

    // The Service drops pod-a: the ingress follows 300 ms later.
    ingress.serviceChanged([b.ep]);
    await new Promise((r) => setTimeout(r, 800));
    for (let i = 0; i < 4; i += 1) assert.equal((await get(ingress.url)).pod, 'pod-b');
    const update = events.find((e) => e.kind === 'ingress' && e.action === 'updated');
    assert.ok(update?.kind === 'ingress');
    assert.deepEqual(update.endpoints, ['pod-b']);
    assert.equal(update.via, proxy === 'nginx' ? 'reload' : 'runtime-api');

    // No endpoint at all: the proxy answers 503 itself.
    ingress.serviceChanged([]);
    await new Promise((r) => setTimeout(r, 800));
    const none = await get(ingress.url);
    assert.equal(none.status, 503);
    assert.equal(none.pod, null);
    ingress.serviceChanged([a.ep, b.ep]);
    await new Promise((r) => setTimeout(r, 800));

    // The pre-flight of any traffic command says the URL answers through a proxy (nginx names itself; HAProxy does not).
    const io = createTestIo({ cwd: logDir });
    assert.equal(await runCli(['load', ingress.url, '-r', '50', '-d', '300ms', '--warmup', '0', '--out', 'run.json'], io), 0, io.err());
    const notes = (JSON.parse(readFileSync(join(logDir, 'run.json'), 'utf8')) as { meta: { notes: string[] } }).meta.notes;
    if (proxy === 'nginx') assert.ok(notes.some((n) => /answers through a proxy \(server: nginx/.test(n)), notes.join('\n'));

    await ingress.stop();
    stopped = true;
    assert.ok(events.some((e) => e.kind === 'ingress' && e.action === 'stopped'));
    assert.deepEqual(ingressLeftovers(events), []);
    const started = events.find((e) => e.kind === 'ingress' && e.action === 'started');
    assert.ok(started?.kind === 'ingress' && started.workDir !== undefined && !existsSync(started.workDir));
    assert.ok(readFileSync(ingress.logPath, 'utf8').length > 0, 'the proxy log sits with the pod logs');
  });
}
