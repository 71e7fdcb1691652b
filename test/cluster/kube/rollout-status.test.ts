import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rolloutState } from '../../../src/cluster/kube/workloads/deployment-status.js';
import type { DeploymentLike } from '../../../src/cluster/kube/workloads/deployment-status.js';
import { parseTrigger } from '../../../src/cluster/kube/parse-trigger.js';
import { sleepMsOf, signalOfExit, describeHandler } from '../../../src/cluster/kube/pod-shape.js';

const dep = (gen: number, observed: number, s: { replicas: number; updated: number; available: number }, reason?: string): DeploymentLike => ({
  metadata: { name: 'web', generation: gen },
  spec: { replicas: 3 },
  status: {
    observedGeneration: observed,
    replicas: s.replicas,
    updatedReplicas: s.updated,
    availableReplicas: s.available,
    conditions: reason ? [{ type: 'Progressing', status: 'False', reason }] : [],
  },
});

test('rolloutState decides as kubectl rollout status does', () => {
  const cases: Array<[string, DeploymentLike, string, RegExp]> = [
    ['spec not observed yet', dep(2, 1, { replicas: 3, updated: 3, available: 3 }), 'waiting', /spec update to be observed/],
    ['progress deadline', dep(2, 2, { replicas: 4, updated: 1, available: 3 }, 'ProgressDeadlineExceeded'), 'failed', /exceeded its progress deadline/],
    ['not all updated', dep(2, 2, { replicas: 4, updated: 1, available: 3 }), 'waiting', /1 out of 3 new replicas have been updated/],
    ['old pending termination', dep(2, 2, { replicas: 4, updated: 3, available: 3 }), 'waiting', /1 old replicas are pending termination/],
    ['not all available', dep(2, 2, { replicas: 3, updated: 3, available: 2 }), 'waiting', /2 of 3 updated replicas are available/],
    ['complete', dep(2, 2, { replicas: 3, updated: 3, available: 3 }), 'complete', /successfully rolled out/],
  ];
  for (const [name, d, state, message] of cases) {
    const r = rolloutState(d);
    assert.equal(r.state, state, name);
    assert.match(r.message, message, name);
  }
});

test('parseTrigger reads every trigger form and rejects the rest', () => {
  assert.deepEqual(parseTrigger('restart'), { kind: 'restart' });
  assert.deepEqual(parseTrigger('none'), { kind: 'none' });
  assert.deepEqual(parseTrigger('image=app=registry:5000/web:1.2'), { kind: 'image', container: 'app', image: 'registry:5000/web:1.2' });
  assert.deepEqual(parseTrigger('image=web:2'), { kind: 'image', image: 'web:2' });
  assert.deepEqual(parseTrigger('cmd=helm upgrade web ./chart --set a=b'), { kind: 'cmd', command: 'helm upgrade web ./chart --set a=b' });
  for (const bad of ['rollback', 'cmd=', 'image=', 'image==web:1']) assert.throws(() => parseTrigger(bad), { name: 'UsageError' }, bad);
});

test('preStop sleep durations, signals of exit codes, handler descriptions', () => {
  assert.equal(sleepMsOf({ exec: { command: ['sleep', '5'] } }), 5000);
  assert.equal(sleepMsOf({ exec: { command: ['/bin/sh', '-c', 'sleep 2.5'] } }), 2500);
  assert.equal(sleepMsOf({ sleep: { seconds: 3 } }), 3000);
  assert.equal(sleepMsOf({ exec: { command: ['/bin/drain.sh'] } }), null);
  assert.equal(sleepMsOf({ httpGet: { path: '/drain' } }), null);
  assert.equal(sleepMsOf(undefined), null);
  assert.equal(signalOfExit(137), 'SIGKILL');
  assert.equal(signalOfExit(143), 'SIGTERM');
  assert.equal(signalOfExit(0), null);
  assert.equal(signalOfExit(1), null);
  assert.equal(describeHandler({ httpGet: { path: '/healthz', port: 8080 } }), 'httpGet /healthz :8080');
  assert.equal(describeHandler({ grpc: { port: 8080 } }), 'grpc :8080');
  assert.equal(describeHandler({ grpc: { port: 8080, service: 'rollcheck.demo.Demo' } }), 'grpc :8080 service rollcheck.demo.Demo');
  assert.equal(describeHandler({ tcpSocket: { port: 'grpc' } }), 'tcpSocket :grpc');
  assert.equal(describeHandler(undefined), null);
});
