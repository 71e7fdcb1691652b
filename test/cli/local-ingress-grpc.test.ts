// test-lane: slow: real rollouts of gRPC demo pods behind real nginx and HAProxy, cut at SIGTERM and stopped gracefully
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrafficCommand, type TrafficCommandRun } from '../helpers/traffic-command.js';
import { skipUnless } from '../tools.js';
import { ingressLeftovers } from '../cluster/local/ingress-harness.js';

/** rollThrough rolls 2 gRPC demo pods behind `proxy` at 60 calls/s with `args` added; its exit must be one of `exits` (or an exit 3 the generator alone explains). */
async function rollThrough(t: TestContext, proxy: string, args: string[], exits: number[]): Promise<TrafficCommandRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-ingress-grpc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return runTrafficCommand(
    ['local', '--app', 'demo', '--protocol', 'grpc', '--grpc-method', 'rollcheck.demo.Demo/Work', '--pod-header', 'x-pod-name', '--ingress', proxy,
      ...args, '--replicas', '2', '--rate', '60', '--cooldown', '2s', '--no-dashboard'],
    { dir, exits },
  );
}

for (const proxy of ['nginx', 'haproxy'] as const) {
  test(`${proxy} ingress, --protocol grpc, pods cut at SIGTERM (DEMO_DRAIN=0): the proxy's own 5xx carry the upstream it used, are attributed to that pod, and found as upstream-keepalive-reset with the HTTP/2 fix`, { skip: skipUnless(proxy) }, async (t) => {
    // Exit 1: the cut calls failed (they fail the run whether or not the generator kept up).
    const { results } = await rollThrough(t, proxy, ['--env', 'DEMO_DRAIN=0', '--env', 'DEMO_LATENCY_MS=200'], [1]);
    assert.equal((results.meta.params as Record<string, unknown>).ingressProtocol, 'grpc');
    const addressOf = new Map<string, string>();
    for (const e of results.events) if (e.kind === 'ingress' && e.upstreams) for (const [addr, pod] of Object.entries(e.upstreams)) addressOf.set(addr, pod);
    const proxied = results.failures.map((f, i) => ({ f, i })).filter(({ f }) => f.answeredBy === proxy && f.upstream !== undefined);
    assert.ok(proxied.length >= 1, `the proxy answered some cut calls itself: ${JSON.stringify(results.failures.slice(0, 3))}`);
    const byFailure = new Map(results.analysis?.attributions.map((a) => [a.failure, a]));
    const terminated = new Set(results.events.flatMap((e) => (e.kind === 'sigterm' ? [e.pod] : [])));
    for (const { f, i } of proxied) {
      const a = byFailure.get(i);
      const last = f.upstream?.split(/\s*,\s*/).pop() ?? '';
      assert.equal(a?.how, 'upstream', `attributed by the upstream header: ${JSON.stringify({ f, a })}`);
      assert.ok(a?.pod !== undefined && terminated.has(a.pod), `to a pod that was terminating: ${a?.pod}`);
      if (addressOf.has(last) && f.upstream?.includes(',') !== true) assert.equal(a?.pod, addressOf.get(last), 'the pod the proxy used');
    }
    // The pod's cut, seen through the proxy: its 5xx or closed connections on the proxy's pooled HTTP/2 connections
    // (the client's own connection to the proxy is never cut, so no-graceful-stop cannot be seen from here).
    const cut = results.analysis?.findings.find((f) => f.id === 'upstream-keepalive-reset');
    assert.ok(cut && cut.failures > 0, `found ${results.analysis?.findings.map((f) => f.id).join(', ')}`);
    assert.equal(cut.data?.proxy, proxy);
    for (const pod of cut.pods) assert.ok(terminated.has(pod), `${pod} was terminating`);
    assert.match(cut.fix, new RegExp(`^${proxy} reaches the pods over HTTP/2, so stop gracefully on SIGTERM: send GOAWAY`));
    assert.ok(!results.analysis?.findings.some((f) => f.id === 'no-graceful-stop'));
    assert.deepEqual(ingressLeftovers(results.events), []);
  });

  test(`${proxy} ingress, --protocol grpc, preStop sleep past both delays and a graceful stop: the verdict passes`, { skip: skipUnless(proxy) }, async (t) => {
    const { results } = await rollThrough(t, proxy, ['--prestop-sleep', '2500ms', '--grace-period', '5s'], [0]);
    const v = results.analysis?.verdict;
    assert.equal(results.totals.failed - (v?.uncounted?.neverProcessed ?? 0), 0, `failures: ${JSON.stringify(results.totals.byKind)}`);
    assert.deepEqual(results.analysis?.findings.filter((f) => f.severity === 'critical').map((f) => f.id), []);
    assert.equal(results.events.filter((e) => e.kind === 'sigterm').length >= 2, true, 'both old pods were replaced');
    assert.deepEqual(ingressLeftovers(results.events), []);
  });
}
