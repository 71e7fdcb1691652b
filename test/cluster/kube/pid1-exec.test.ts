// test-lane: slow: kube sandbox with real pods
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { createPid1Inspector } from '../../../src/cluster/kube/pid1-exec.js';
import { factsFromTexts, parseReaderOutput, readerScript } from '../../../src/cluster/kube/pid1-read.js';
import type { ClusterEvent, Pid1Facts, ProcessFacts } from '../../../src/results/events.js';
import type { LocalRuntimeSettings } from '../../../src/cluster/local/index.js';
import { startLocalBackedCluster } from '../../kube-api-server/local-backing.js';

async function sandbox(t: { after(fn: () => unknown): void }, settings: Partial<LocalRuntimeSettings>, imageLacks?: string[]) {
  const cluster = await startLocalBackedCluster({ replicas: 1, graceMs: 1000, ...settings }, { imageLacks });
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-pid1-exec-'));
  t.after(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.server.writeKubeconfig(dir));
  const inspect = async (pods: string[], timeoutMs?: number): Promise<ClusterEvent[]> => {
    const events: ClusterEvent[] = [];
    const inspector = createPid1Inspector({ kc, namespace: 'default', container: () => 'app', nowMs: () => 0, emit: (e) => events.push(e), parallel: 1, timeoutMs });
    for (const p of pods) inspector.inspect(p);
    await inspector.idle();
    return events;
  };
  const pod = cluster.server.store.list('pods')[0]?.metadata.name as string;
  // What the embedded runtime itself read from the host's /proc: the truth to compare with.
  const truth = cluster.localEvents.find((e) => e.kind === 'pid1' && e.pod === pod) as { pid1: Pid1Facts } | undefined;
  return { cluster, inspect, pod, truth: truth?.pid1 };
}

// Host PIDs differ from the pod's own: compare everything else.
const shape = (p: ProcessFacts, exe = true) => ({ exe: exe ? p.exe : null, argv: p.argv, sigterm: p.sigterm });

test('through pods/exec: the shell entrypoint as PID 1 with node as its child, as the host /proc shows it; an exec\'d process is no child of PID 1', async (t) => {
  const { cluster, inspect, pod, truth } = await sandbox(t, { app: { kind: 'demo', entrypoint: 'shell' } });
  assert.ok(truth, 'the embedded runtime inspected the pod');
  // Another process exec'd into the pod, alive during the inspection: in the namespace, never PID 1's child.
  const hostPid = cluster.localEvents.find((e) => e.kind === 'pod-started' && e.pod === pod) as { pid: number };
  const intruder = spawn('nsenter', ['--target', String(hostPid.pid), '--pid', '--mount', '--', 'sleep', '30'], { stdio: 'ignore', detached: true });
  t.after(() => {
    try {
      process.kill(-(intruder.pid as number), 'SIGKILL');
    } catch {
      // gone with the pod's namespace already
    }
  });
  await new Promise((r) => setTimeout(r, 200));
  const [e] = await inspect([pod]);
  assert.equal(e?.kind, 'pid1', JSON.stringify(e));
  const facts = (e as { pid1: Pid1Facts }).pid1;
  assert.equal(facts.pid, 1);
  assert.equal(facts.role, 'shell');
  assert.deepEqual(shape(facts), shape(truth));
  assert.deepEqual(facts.children.map((c) => shape(c)), truth.children.map((c) => shape(c)));
  assert.deepEqual(facts.children.map((c) => c.argv[0]), ['node']);
  assert.deepEqual(cluster.server.requests.filter((r) => r.endsWith('pods/exec')), ['get pods/exec', 'create pods/exec']);
});

test('an image without sh: read with plain cat calls (no executable path); without cat either: not inspected, and why', async (t) => {
  const { inspect, pod, truth } = await sandbox(t, { app: { kind: 'demo', entrypoint: 'tini' } }, ['sh']);
  assert.ok(truth);
  const [e] = await inspect([pod]);
  assert.equal(e?.kind, 'pid1', JSON.stringify(e));
  const facts = (e as { pid1: Pid1Facts }).pid1;
  assert.equal(facts.role, 'init');
  assert.deepEqual(shape(facts), shape(truth, false));
  assert.deepEqual(facts.children.map((c) => shape(c)), truth.children.map((c) => shape(c, false)));

  const bare = await sandbox(t, { app: { kind: 'demo', entrypoint: 'exec' } }, ['sh', 'cat']);
  const [u] = await bare.inspect([bare.pod]);
  assert.equal(u?.kind, 'pid1-unknown', JSON.stringify(u));
  assert.equal((u as { reason: string }).reason, 'no-reader');
  assert.match((u as { detail: string }).detail, /neither `sh` nor `cat`.*executable file not found/);
});

test('pods/exec forbidden: each pod is recorded as not inspected (403), and after the first 403 no more execs are tried', async (t) => {
  const { cluster, inspect, pod } = await sandbox(t, { app: { kind: 'demo', entrypoint: 'exec' }, replicas: 2 });
  cluster.server.forbid('create', 'pods/exec');
  const other = cluster.server.store.list('pods')[1]?.metadata.name as string;
  const events = await inspect([pod, other]);
  assert.deepEqual(events.map((e) => [e.kind, (e as { pod: string }).pod, (e as { reason: string }).reason]), [
    ['pid1-unknown', pod, 'forbidden'],
    ['pid1-unknown', other, 'forbidden'],
  ]);
  assert.equal(cluster.server.requests.filter((r) => r === 'create pods/exec').length, 1);
});

test('an exec that never answers: bounded, recorded as a timeout', async (t) => {
  const { cluster, inspect, pod } = await sandbox(t, { app: { kind: 'demo', entrypoint: 'exec' } });
  cluster.server.stallExecs();
  const [e] = await inspect([pod], 300);
  assert.equal(e?.kind, 'pid1-unknown', JSON.stringify(e));
  assert.equal((e as { reason: string }).reason, 'timeout');
  assert.match((e as { detail: string }).detail, /no answer within 0\.3 s/);
});

test('the reader output: markers carry the nonce, file texts keep newlines and NULs, only PPid 1 children count', () => {
  const nonce = 'rollcheck-abc123';
  const mark = (what: string, pid: number) => `\n${nonce} ${what} ${pid}\n`;
  const out =
    mark('self', 9) +
    mark('status', 1) + 'Name:\tsh\nPid:\t1\nPPid:\t0\nSigCgt:\t0000000000010002\n' +
    mark('cmdline', 1) + 'sh\0-c\0echo "a\nrollcheck-other status 1"\0' +
    mark('exe', 1) + '/bin/dash\n' +
    mark('status', 7) + 'Pid:\t7\nPPid:\t1\nSigCgt:\t0000000000004000\n' +
    mark('cmdline', 7) + 'python3\0-m\0http.server\0' +
    mark('exe', 7) +
    mark('status', 9) + 'Pid:\t9\nPPid:\t1\n' +
    mark('cmdline', 9) + 'sh\0-c\0…\0' +
    mark('exe', 9) +
    mark('status', 12) + 'Pid:\t12\nPPid:\t5\n' +
    mark('cmdline', 12) + 'cat\0' +
    mark('exe', 12) +
    mark('end', 0);
  const parsed = parseReaderOutput(out, nonce);
  assert.ok(parsed);
  assert.equal(parsed.self, 9);
  const facts = factsFromTexts(parsed.texts, parsed.self);
  assert.deepEqual(facts?.argv, ['sh', '-c', 'echo "a\nrollcheck-other status 1"']);
  assert.equal(facts?.exe, '/bin/dash');
  assert.equal(facts?.role, 'shell');
  // 9 is the reader (even were its PPid 1), 12 is not PID 1's child: only python3 counts.
  assert.deepEqual(facts?.children, [{ pid: 7, exe: null, argv: ['python3', '-m', 'http.server'], sigterm: 'handled' }]);
  // No end marker: the script did not run through.
  assert.equal(parseReaderOutput(out.slice(0, out.lastIndexOf(nonce)), nonce), null);
  assert.match(readerScript(nonce), /^printf/);
});
