// test-lane: slow: real kubectl against the kube sandbox's DaemonSet with real pods
// The sandbox's DaemonSet as real kubectl sees it: one pod per node, `rollout
// restart` and `rollout status` (one node at a time, no surge), and a drain that
// leaves the DaemonSet's pod on its cordoned node (--ignore-daemonsets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Pod } from 'kubernetes-models/v1/Pod';
import { skipUnless } from '../tools.js';
import { readSandboxOptions, startSandbox } from './sandbox.js';
import type { KubeObject } from './store.js';

test('real kubectl and the sandbox DaemonSet: one pod per node, rollout restart|status, drain --ignore-daemonsets leaves it', { skip: skipUnless('kubectl'), timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-ds-'));
  const s = await startSandbox(readSandboxOptions(['--kubeconfig', join(dir, 'kubeconfig'), '--workload', 'daemonset', '--nodes', '3', '--grace-period', '2s', '--endpoint-delay', '200ms']));
  const seen: KubeObject[] = [];
  const unsubscribe = s.server.store.subscribe((c) => void ((c.resource === 'pods' || c.resource === 'daemonsets') && seen.push(c.object)));
  t.after(async () => {
    unsubscribe();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = { ...process.env, KUBECONFIG: s.kubeconfig, HOME: dir };
  const kubectl = (...args: string[]) =>
    new Promise<string>((resolve, reject) => execFile('kubectl', args, { env, timeout: 60_000 }, (err, out, errOut) => (err ? reject(new Error(`kubectl ${args.join(' ')}: ${errOut || err.message}`)) : resolve(out + errOut))));
  const nodesOfPods = () => s.server.store.list('pods').filter((p) => !p.metadata.deletionTimestamp).map((p) => (p.spec as { nodeName?: string }).nodeName).sort();
  assert.match(await kubectl('get', 'ds'), /demo\s+3\s+3\s+3\s+3\s+3\s+<none>/);
  assert.deepEqual(nodesOfPods(), ['node-1', 'node-2', 'node-3'], 'one pod per node');
  const before = new Set(s.server.store.list('pods').map((p) => p.metadata.uid));
  assert.match(await kubectl('rollout', 'restart', 'daemonset/demo'), /daemonset.apps\/demo restarted/);
  assert.match(await kubectl('rollout', 'status', 'daemonset/demo', '--timeout', '60s'), /daemon set "demo" successfully rolled out/);
  const after = s.server.store.list('pods');
  assert.equal(after.length, 3);
  assert.ok(after.every((p) => !before.has(p.metadata.uid)), 'every pod replaced');
  assert.deepEqual(nodesOfPods(), ['node-1', 'node-2', 'node-3'], 'each replacement on the node its old pod left');
  // No surge: there were never more than 3 pods, nor two on one node.
  const alive = new Map<string, KubeObject>();
  for (const o of seen.filter((x) => x.kind === 'Pod')) {
    if (o.metadata.deletionTimestamp) alive.delete(o.metadata.name);
    else alive.set(o.metadata.name, o);
    assert.ok(alive.size <= 3, 'never more pods than nodes');
  }
  const drained = await kubectl('drain', 'node-1', '--ignore-daemonsets', '--timeout', '30s');
  assert.match(drained, /ignoring DaemonSet-managed Pods: default\/demo-/);
  assert.match(drained, /node\/node-1 drained/);
  assert.deepEqual(nodesOfPods(), ['node-1', 'node-2', 'node-3'], 'the daemon stays on the cordoned node');
  for (const o of seen) assert.doesNotThrow(() => (o.kind === 'DaemonSet' ? new DaemonSet(o as never).validate() : new Pod(o as never).validate()), `${o.kind} ${o.metadata.name}: ${JSON.stringify(o)}`);
});
