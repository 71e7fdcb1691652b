// The pod-end findings (sigterm-ignored, grace-too-short, pod-crashed) and what
// they share (termination-evidence.ts): the mechanism PID 1 shows, and what is
// not known where PID 1 was not inspected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import type { ClusterEvent } from '../../src/results/events.js';
import { fail, makeResults, pid1Event, shellPodEvents } from './fixtures.js';

const POD = 'web-1';

function sigtermIgnored(events: ClusterEvent[]) {
  const a = analyze(makeResults({ failures: [fail(5004, 'reset', { pod: POD, reused: true })], events }), { maxErrors: 0 });
  return a.findings.find((f) => f.id === 'sigterm-ignored');
}

test('python3 as PID 1: the finding names python3 and its missing SIGTERM handler', () => {
  const events: ClusterEvent[] = shellPodEvents(POD, 2000).filter((e) => e.kind !== 'pid1');
  events.push(pid1Event(POD, -3999, { exe: '/usr/bin/python3.11', argv: ['python3', '-m', 'http.server', '8080'], role: 'app', sigterm: 'default', children: [] }));
  const f = sigtermIgnored(events);
  assert.equal(f?.data?.mechanism, 'no-handler');
  assert.match(f?.evidence.join('\n') ?? '', /PID 1 is `python3` \(`python3 -m http.server 8080`\), which installs no SIGTERM handler; as PID 1 the default action/);
});

test('a shell wrapping python3: the finding names the shell and its child', () => {
  const events: ClusterEvent[] = shellPodEvents(POD, 2000).filter((e) => e.kind !== 'pid1');
  events.push(pid1Event(POD, -3999, { argv: ['/bin/sh', '-c', 'python3 -m http.server'], children: [{ pid: 9, exe: '/usr/bin/python3.11', argv: ['python3', '-m', 'http.server'], sigterm: 'default' }] }));
  const f = sigtermIgnored(events);
  assert.equal(f?.data?.mechanism, 'shell');
  assert.match(f?.evidence.join('\n') ?? '', /PID 1 is the shell `\/bin\/sh -c python3 -m http.server` running `python3` as a child: the shell does not forward SIGTERM/);
});

test('tini forwarding to an app that handles SIGTERM but drains past the grace period: grace-too-short', () => {
  const events: ClusterEvent[] = shellPodEvents(POD, 2000).filter((e) => e.kind !== 'pid1');
  events.push(pid1Event(POD, -3999, { exe: '/usr/bin/tini', argv: ['tini', '--', 'node', 'app.mjs'], role: 'init', sigterm: 'handled', children: [{ pid: 9, exe: '/usr/bin/node', argv: ['node', 'app.mjs'], sigterm: 'handled' }] }));
  const a = analyze(makeResults({ failures: [fail(5004, 'reset', { pod: POD, reused: true })], events }), { maxErrors: 0 });
  assert.deepEqual(a.findings.map((f) => f.id), ['grace-too-short']);
  assert.match(a.findings[0]?.evidence.join('\n') ?? '', /PID 1 is the init `tini -- node app.mjs`, which forwards SIGTERM to `node`/);
});

test('OOMKilled is named in the pod-crashed title', () => {
  const events = [
    { kind: 'pod-created' as const, pod: POD, revision: 'r1', atMs: -9000 },
    { kind: 'exited' as const, pod: POD, exitCode: 137, signal: null, afterSigtermMs: null, reason: 'OOMKilled', atMs: 5000 },
  ];
  const a = analyze(makeResults({ failures: [fail(5001, 'reset', { pod: POD, reused: true })], events }), { maxErrors: 0 });
  const f = a.findings.find((x) => x.id === 'pod-crashed');
  assert.match(f?.title ?? '', /1 pod died without being asked to stop \(1 OOMKilled\)/);
  assert.equal(f?.failures, 1);
});

test('a crash seen through a cluster\'s watch (its exit carries the kubelet\'s time) counts the failures up to a second before the exit was seen; the embedded runtime\'s exact exit, 50 ms', () => {
  const crash = (serverTime?: string): ClusterEvent[] => [
    { kind: 'pod-created', pod: POD, revision: 'r1', atMs: -9000 },
    { kind: 'exited', pod: POD, exitCode: 137, signal: null, afterSigtermMs: null, reason: 'OOMKilled', atMs: 5000, ...(serverTime ? { serverTime } : {}) },
  ];
  // The connection died with the process at ~4.4 s; the watch showed the exit at 5.0 s.
  const crashedFailures = (events: ClusterEvent[]): number | undefined =>
    analyze(makeResults({ failures: [fail(4400, 'reset', { pod: POD, reused: true })], events }), { maxErrors: 0 }).findings.find((x) => x.id === 'pod-crashed')?.failures;
  assert.equal(crashedFailures(crash('2026-12-07T08:00:04Z')), 1);
  assert.equal(crashedFailures(crash()), 0, 'an exact exit time: a failure 600 ms before it is not the crash');
});

test('PID 1 not inspected: each case says what it cannot know and how to learn it; a 403 is one warning', () => {
  const events = (): ClusterEvent[] => shellPodEvents(POD, 2000).filter((e) => e.kind !== 'pid1');
  const cases: Array<{ name: string; mode: 'local' | 'kube' | 'scenario'; target?: Record<string, unknown>; inspect?: boolean; extra?: ClusterEvent[]; text: RegExp; warning?: RegExp }> = [
    { name: 'local', mode: 'local', text: /PID 1 was not inspected \(the runtime could not look into the pod\)/ },
    { name: 'kube without the flag', mode: 'kube', text: /PID 1 was not inspected, so why it ignored SIGTERM is not known \(.*\): rerun with --inspect-pid1 \(grant manifests\/rbac-inspect\.yaml\)/ },
    {
      name: 'kube, exec forbidden',
      mode: 'kube',
      inspect: true,
      extra: [{ kind: 'pid1-unknown', pod: POD, atMs: -3999, reason: 'forbidden', detail: 'pods/exec is forbidden (403)' }, { kind: 'pid1-unknown', pod: 'web-2', atMs: -3999, reason: 'forbidden', detail: 'x' }],
      text: /PID 1 could not be inspected: pods\/exec was forbidden \(403\).*grant manifests\/rbac-inspect\.yaml .* and rerun with --inspect-pid1/,
      warning: /^--inspect-pid1: pods\/exec was forbidden \(403\), so PID 1 of 2 pods was not inspected; grant manifests\/rbac-inspect\.yaml/,
    },
    {
      name: 'kube, no reader in the image',
      mode: 'kube',
      inspect: true,
      extra: [{ kind: 'pid1-unknown', pod: POD, atMs: -3999, reason: 'no-reader', detail: 'neither `sh` nor `cat` could read /proc/1' }],
      text: /PID 1 could not be inspected \(neither `sh` nor `cat` could read \/proc\/1\), so why it ignored SIGTERM is not known/,
      warning: /^--inspect-pid1: PID 1 of 1 pod could not be inspected \(neither `sh` nor `cat`/,
    },
    { name: 'kube with the flag, no inspection finished', mode: 'kube', inspect: true, text: /no inspection of this pod finished/ },
    {
      name: 'a scenario on a kube target, without inspect-pid1',
      mode: 'scenario',
      target: { kind: 'kube', deployment: 'web' },
      text: /PID 1 was not inspected, so why it ignored SIGTERM is not known \(.*\): add `inspect-pid1: true` to the scenario's kube target \(grant manifests\/rbac-inspect\.yaml\)/,
    },
    { name: 'a scenario on a kube target, with inspect-pid1', mode: 'scenario', target: { kind: 'kube', deployment: 'web', inspectPid1: true }, text: /no inspection of this pod finished/ },
    { name: 'a scenario on the embedded runtime', mode: 'scenario', target: { kind: 'local' }, text: /the runtime could not look into the pod/ },
  ];
  for (const c of cases) {
    const r = makeResults({ failures: [fail(5004, 'reset', { pod: POD, reused: true })], events: [...events(), ...(c.extra ?? [])], podTraffic: [{ pod: POD }] });
    r.meta.mode = c.mode;
    if (c.inspect) r.meta.params.inspectPid1 = true;
    if (c.target) r.meta.params.target = c.target;
    const a = analyze(r, { maxErrors: 0 });
    const f = a.findings.find((x) => x.id === 'sigterm-ignored');
    assert.ok(f, `${c.name}: ${a.findings.map((x) => x.id).join()}`);
    assert.equal(f.data?.mechanism, 'unknown', c.name);
    assert.match(f.evidence.join('\n'), c.text, c.name);
    const pid1Warnings = (a.warnings ?? []).filter((w) => w.startsWith('--inspect-pid1'));
    if (c.warning) {
      assert.equal(pid1Warnings.length, 1, `${c.name}: ${JSON.stringify(a.warnings)}`);
      assert.match(pid1Warnings[0] as string, c.warning, c.name);
    } else assert.deepEqual(pid1Warnings, [], c.name);
  }
});
