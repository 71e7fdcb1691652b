// test-lane: slow: real rollouts of gRPC demo pods behind real nginx and HAProxy
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrafficCommand } from '../helpers/traffic-command.js';
import { skipUnless } from '../tools.js';
import { ingressLeftovers } from '../cluster/local/ingress-harness.js';

for (const proxy of ['nginx', 'haproxy'] as const) {
  test(`${proxy} ingress, --protocol grpc, pods cut at SIGTERM (DEMO_DRAIN=0): the proxy's own 5xx carry the upstream it used and are attributed to that pod`, { skip: skipUnless(proxy) }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rollcheck-ingress-grpc-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // Exit 1: the cut calls failed (they fail the run whether or not the generator kept up).
    const { results } = await runTrafficCommand(
      ['local', '--app', 'demo', '--protocol', 'grpc', '--grpc-method', 'rollcheck.demo.Demo/Work', '--pod-header', 'x-pod-name', '--ingress', proxy,
        '--env', 'DEMO_DRAIN=0', '--env', 'DEMO_LATENCY_MS=200', '--replicas', '2', '--rate', '60', '--cooldown', '2s', '--no-dashboard'],
      { dir, exits: [1] },
    );
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
    assert.deepEqual(ingressLeftovers(results.events), []);
  });
}
