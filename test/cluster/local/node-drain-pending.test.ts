// A local drain asks the budget as the Eviction API does: a pod not yet
// running (Pending: its process not started) is evicted without it
// (eviction.go canIgnorePDB), a running one only while the budget allows a
// disruption, else 429 and a retry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drainLocalNode } from '../../../src/cluster/local/node-drain.js';
import { createNodePool } from '../../../src/cluster/local/node-pool.js';
import { pdbStatus } from '../../../src/cluster/local/disruption-budget.js';
import type { LocalPod } from '../../../src/cluster/local/local-pod.js';
import type { PodExit, PodHandle } from '../../../src/cluster/local/pod-runtime.js';
import { createClock } from '../../../src/results/clock.js';
import type { ClusterEvent } from '../../../src/results/events.js';

function pod(name: string, node: string, state: { ready: boolean; running: boolean }): LocalPod {
  let finish = (): void => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const p = {
    name, seq: 0, uid: `uid-${name}`, node, hostIp: '127.0.0.1', logPath: '', ready: state.ready, available: state.ready, everReady: state.ready,
    terminating: false, sigtermAtMs: null, exit: null, done,
    ...(state.running ? { handle: {} as PodHandle } : {}),
  } as LocalPod;
  (p as { finish?: () => void }).finish = finish;
  return p;
}

test('drain with a budget that allows no disruption: the Pending pod is evicted, the running one gets 429 until the timeout', async () => {
  const events: ClusterEvent[] = [];
  const pods = [pod('web-a', 'node-1', { ready: true, running: true }), pod('web-b', 'node-1', { ready: false, running: false }), pod('web-c', 'node-2', { ready: true, running: true })];
  const nodes = createNodePool(2);
  const outcome = await drainLocalNode(
    {
      ctx: { clock: createClock(), emit: (e) => events.push(e) },
      nodes,
      pods: () => pods.filter((p) => p.exit === null),
      daemon: false,
      // min-available=2 over 3 pods, one not ready: 2 healthy, 0 disruptions allowed.
      budget: { name: 'web', allowed: () => pdbStatus({ minAvailable: 2 }, 3, pods.filter((p) => p.exit === null)).disruptionsAllowed },
      evict(p) {
        p.terminating = true;
        p.exit = { exitCode: 0, signal: null, epochMs: Date.now() } as PodExit;
        (p as { finish?: () => void }).finish?.();
      },
      retryMs: 50,
      replicas: () => 3,
    },
    { node: 'node-1', timeoutMs: 400 },
  );
  const evicted = events.flatMap((e) => (e.kind === 'evicted' ? [e.pod] : []));
  const refused = new Set(events.flatMap((e) => (e.kind === 'eviction-refused' ? [e.pod] : [])));
  assert.deepEqual(evicted, ['web-b'], 'the Pending pod skips the budget');
  assert.deepEqual([...refused], ['web-a'], 'the running pod waits for the budget');
  assert.equal(outcome.ok, false);
  assert.match(outcome.error ?? '', /pod web-a could still not be evicted \(429/);
});
