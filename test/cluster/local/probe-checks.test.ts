// test-lane: serial: real gRPC servers (Python grpcio, the demo app) probed as the kubelet would
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../../src/cluster/local/proc.js';
import { parseReadinessCheck, runCheck, type ReadinessCheck } from '../../../src/cluster/local/probe-checks.js';
import { probeAfterSigterm } from '../../../src/cluster/local/sigterm-probe.js';
import { sleep, startDemoApp } from '../../demo-app/demo-process.js';

type T = { after(fn: () => void): void };
const GRPC: ReadinessCheck = { kind: 'grpc', service: '' };

/** startPython runs the grpcio health server on 127.0.0.1 with `env`, and waits until it listens. */
async function startPython(t: T, env: Record<string, string> = {}): Promise<{ port: number; kill(signal: NodeJS.Signals): void; exit: Promise<number | null> }> {
  const port = await freePort('127.0.0.1');
  const child = spawn('/usr/bin/python3', [join(import.meta.dirname, 'grpc-health-server.py')], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), POD_NAME: 'py-pod', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  for (let i = 0; i < 250 && !out.includes('listening'); i += 1) await sleep(20);
  assert.match(out, /listening/, out);
  return { port, kill: (s) => child.kill(s), exit };
}

test('parseReadinessCheck reads http:PATH, tcp, grpc and grpc:SERVICE, and names the fix for anything else', () => {
  assert.deepEqual(parseReadinessCheck('http:/ready'), { kind: 'http', path: '/ready' });
  assert.deepEqual(parseReadinessCheck('tcp'), { kind: 'tcp' });
  assert.deepEqual(parseReadinessCheck('grpc'), { kind: 'grpc', service: '' });
  assert.deepEqual(parseReadinessCheck('grpc:my.Service'), { kind: 'grpc', service: 'my.Service' });
  assert.match(String(parseReadinessCheck('http:ready')), /must start with \/, e\.g\. http:\/healthz/);
  assert.match(String(parseReadinessCheck('exec')), /use http:\/healthz, tcp, grpc or grpc:SERVICE/);
});

test('grpc probe on a real grpcio server: SERVING passes; NOT_SERVING, no health service and a closed port fail with the kubelet-like reason', async (t) => {
  const serving = await startPython(t);
  assert.deepEqual(await runCheck(GRPC, '127.0.0.1', serving.port, 2000), { error: null, answered: true, draining: false });
  const warming = await startPython(t, { GRPC_TEST_READY_AFTER_MS: '60000' });
  const w = await runCheck(GRPC, '127.0.0.1', warming.port, 2000);
  assert.equal(w.error, 'service unhealthy (NOT_SERVING)');
  const bare = await startPython(t, { GRPC_TEST_HEALTH: '0' });
  const b = await runCheck(GRPC, '127.0.0.1', bare.port, 2000);
  assert.equal(b.error, 'grpc-status 12', 'UNIMPLEMENTED: the server has no health service');
  assert.equal(b.answered, true);
  const closed = await freePort('127.0.0.1');
  assert.deepEqual(await runCheck(GRPC, '127.0.0.1', closed, 2000), { error: 'ECONNREFUSED', answered: false, draining: false });
});

test('grpc and tcp probes on the demo app: grpc passes over DEMO_PROTOCOL=grpc and fails over HTTP/1.1; tcp passes on both', async (t) => {
  const grpc = await startDemoApp(t, { DEMO_PROTOCOL: 'grpc' }, { net: 89 });
  const http1 = await startDemoApp(t, {}, { net: 89 });
  assert.equal((await runCheck(GRPC, grpc.host, grpc.port, 2000)).error, null);
  assert.equal((await runCheck({ kind: 'grpc', service: 'rollcheck.demo.Demo' }, grpc.host, grpc.port, 2000)).error, null);
  assert.equal((await runCheck({ kind: 'grpc', service: 'other.Service' }, grpc.host, grpc.port, 2000)).error, 'grpc-status 5');
  assert.notEqual((await runCheck(GRPC, http1.host, http1.port, 2000)).error, null, 'an HTTP/1.1 server is no gRPC server');
  for (const app of [grpc, http1]) assert.equal((await runCheck({ kind: 'tcp' }, app.host, app.port, 2000)).error, null);
  assert.equal((await runCheck({ kind: 'http', path: '/healthz' }, http1.host, http1.port, 2000)).error, null);
});

test('sigterm probe with a grpc check: a draining grpcio server answers NOT_SERVING (closing) on its open port', async (t) => {
  // grpcio's stop(grace) refuses new RPCs at once: the probe sees it go away, not a server answering as before.
  const py = await startPython(t, { GRPC_TEST_GRACE_S: '3' });
  const before = await probeAfterSigterm('127.0.0.1', py.port, GRPC, 1000);
  assert.deepEqual(before, { answered: true, closing: false });
  py.kill('SIGTERM');
  await sleep(300);
  const after = await probeAfterSigterm('127.0.0.1', py.port, GRPC, 1000);
  assert.ok(!after.answered || after.closing, `a draining server must not look as before: ${JSON.stringify(after)}`);
  assert.equal(await py.exit, 0);
});

test('an http or tcp probe to a listener that never accepts times out at its own deadline, the connect included (not the kernel\'s ~2 min)', async (t) => {
  // A socket that listens and never accepts: once its queue is full the kernel drops further SYNs, so a connect hangs.
  const child = spawn('/usr/bin/python3', ['-c', 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(0); print(s.getsockname()[1], flush=True); time.sleep(60)'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  const port = await new Promise<number>((resolve) => child.stdout.setEncoding('utf8').once('data', (d: string) => resolve(Number(d.trim()))));
  const { connect } = await import('node:net');
  const fillers = Array.from({ length: 4 }, () => connect({ host: '127.0.0.1', port }).on('error', () => undefined));
  t.after(() => fillers.forEach((s) => s.destroy()));
  await sleep(200);
  for (const check of [{ kind: 'http', path: '/healthz' }, { kind: 'tcp' }] as ReadinessCheck[]) {
    const startedMs = performance.now();
    const outcome = await runCheck(check, '127.0.0.1', port, 300);
    const tookMs = performance.now() - startedMs;
    if (check.kind === 'tcp' && outcome.error === null) continue; // the queue took one more: nothing to time out
    assert.equal(outcome.error, 'timeout after 300ms', `${check.kind}: ${JSON.stringify(outcome)}`);
    assert.ok(tookMs < 5000, `${check.kind}: gave up after ${Math.round(tookMs)} ms`);
  }
});
