// test-lane: slow: real kubectl against the kube sandbox with real pods
// Real kubectl against the kube sandbox: an independent client that knows what a
// real API server serves. Each command below must work as it does on a cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnless } from '../tools.js';
import { readSandboxOptions, startSandbox } from './sandbox.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a script of real kubectl commands works against the kube sandbox', { skip: skipUnless('kubectl'), timeout: 150_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const sandbox = await startSandbox(readSandboxOptions(['--kubeconfig', kubeconfig, '--replicas', '2', '--grace-period', '3s', '--endpoint-delay', '200ms']));
  t.after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  const kubectl = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile('kubectl', args, { env, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout))),
    );
  const json = async <T>(...args: string[]) => JSON.parse(await kubectl(...args, '-o', 'json')) as T;
  type Item = { metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string; uid: string }>; uid: string } };

  // get: discovery, short names, the list every printer reads.
  const all = await kubectl('get', 'deploy,rs,pods,svc,endpointslices,events');
  for (const want of ['deployment.apps/demo', 'replicaset.apps/demo-', 'pod/demo-', 'service/demo', 'endpointslice.discovery.k8s.io/demo-']) assert.ok(all.includes(want), `${want} in:\n${all}`);
  const deploy = await json<{ metadata: { uid: string }; status: { conditions: Array<{ type: string; reason: string }>; availableReplicas: number } }>('get', 'deploy', 'demo');
  assert.equal(deploy.status.availableReplicas, 2);
  assert.deepEqual(deploy.status.conditions.map((c) => `${c.type}:${c.reason}`).sort(), ['Available:MinimumReplicasAvailable', 'Progressing:NewReplicaSetAvailable']);
  const rs = await json<{ items: Item[] }>('get', 'rs');
  assert.equal(rs.items.length, 1);
  assert.equal(rs.items[0]?.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(rs.items[0]?.metadata.ownerReferences?.[0]?.uid, deploy.metadata.uid, 'the ReplicaSet is owned by the Deployment');
  const pods = await json<{ items: Item[] }>('get', 'pods', '-l', 'app=demo');
  assert.equal(pods.items.length, 2);
  for (const p of pods.items) assert.equal(p.metadata.labels?.['pod-template-hash'], rs.items[0]?.metadata.labels?.['pod-template-hash']);

  // exec: kubectl 1.32 upgrades a GET of pods/exec to a WebSocket (v5.channel.k8s.io); the command runs in the pod's PID namespace.
  const first = pods.items[0]?.metadata.name as string;
  const status = await kubectl('exec', first, '--', 'cat', '/proc/1/status');
  assert.match(status, /^Pid:\s+1$/m, status);
  assert.match(status, /^PPid:\s+0$/m, 'PID 1 of its own namespace');
  await assert.rejects(kubectl('exec', first, '-c', 'app', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'), /err\n(.|\n)*command terminated with exit code 3/);
  await assert.rejects(kubectl('exec', first, '-c', 'nope', '--', 'true'), /container nope is not valid for pod/);
  assert.ok(sandbox.server.requests.includes('get pods/exec'), 'the exec went through the WebSocket GET');

  // rollout restart (strategic-merge PATCH), rollout status (watch of the Deployment), rollout history (ReplicaSet revisions).
  assert.match(await kubectl('rollout', 'restart', 'deploy/demo'), /deployment.apps\/demo restarted/);
  assert.match(await kubectl('rollout', 'status', 'deploy/demo', '--timeout', '60s'), /successfully rolled out/);
  assert.match(await kubectl('rollout', 'history', 'deploy/demo'), /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);

  // set image (strategic-merge PATCH with $setElementOrder), then scale through deployments/scale.
  assert.match(await kubectl('set', 'image', 'deploy/demo', 'app=rollcheck-demo:2'), /image updated/);
  assert.match(await kubectl('rollout', 'status', 'deploy/demo', '--timeout', '60s'), /successfully rolled out/);
  assert.equal(await kubectl('get', 'deploy', 'demo', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'), 'rollcheck-demo:2');
  assert.match(await kubectl('rollout', 'history', 'deploy/demo'), /\n3\s+<none>/);
  assert.match(await kubectl('scale', 'deploy/demo', '--replicas', '3'), /scaled/);
  for (let i = 0; i < 100 && (await json<{ status: { readyReplicas?: number } }>('get', 'deploy', 'demo')).status.readyReplicas !== 3; i += 1) await sleep(200);
  assert.equal((await json<{ items: Item[] }>('get', 'pods')).items.length, 3);

  // get -w sees a pod deleted (kubectl waits for the object to go) and its replacement.
  const watcher = spawn('kubectl', ['get', 'pods', '-w', '--output-watch-events', '--no-headers'], { env });
  let watched = '';
  watcher.stdout.on('data', (d: Buffer) => (watched += d.toString()));
  t.after(() => void watcher.kill());
  const names = (await json<{ items: Item[] }>('get', 'pods')).items.map((p) => p.metadata.name);
  assert.match(await kubectl('delete', 'pod', names[0] as string), /deleted/);
  assert.match(await kubectl('delete', 'pod', names[1] as string, '--grace-period', '1'), /deleted/);
  for (let i = 0; i < 50 && !/DELETED\s+\S+/.test(watched); i += 1) await sleep(100);
  watcher.kill();
  assert.match(watched, new RegExp(`DELETED\\s+${names[0]}`), watched);
  assert.match(watched, /ADDED\s+demo-/, watched);
  const events = await kubectl('get', 'events');
  assert.match(events, /Killing/, events);
  const v1 = await json<{ items: Array<{ reason: string; regarding: { name: string } }> }>('get', 'events.v1.events.k8s.io');
  assert.ok(v1.items.some((e) => e.reason === 'Killing' && e.regarding.name === names[0]), 'events.k8s.io/v1 shows the same events');
  assert.ok(existsSync(kubeconfig));
});
