// The drain-node step and the local target's workload keys: parsed, checked
// with one-line errors naming the file and line, planned, and refused by a
// target that cannot drain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/scenario/index.js';
import { formatPlan } from '../../src/scenario/plan-text.js';
import type { LocalRuntimeSettings } from '../../src/cluster/local/index.js';

const scenario = (target: string, steps: string): string => `name: d\ntarget:\n  local:\n${target}\nsteps:\n${steps}\n`;

test('drain-node, short and long, with the local workload keys', () => {
  const s = parseScenario(
    'n.yaml',
    scenario(
      '    workload: statefulset\n    partition: 1\n    replicas: 3\n    nodes: 3\n    pdb: max-unavailable=1\n    eviction-retry: 1s',
      '  - drain-node: node-1\n  - drain-node: {node: node-2, timeout: 2m, retry: 2s}\n    name: upgrade node-2',
    ),
    '/tmp',
  );
  assert.deepEqual(
    s.steps.map((x) => [x.label, x.action]),
    [
      ['drain-node node-1', { kind: 'drain-node', node: 'node-1', timeoutMs: 300_000 }],
      ['upgrade node-2', { kind: 'drain-node', node: 'node-2', timeoutMs: 120_000, retryMs: 2000 }],
    ],
  );
  const settings = s.target.settings as LocalRuntimeSettings;
  assert.deepEqual([settings.ordinals, settings.nodes, settings.pdb, settings.evictionRetryMs], [{ partition: 1 }, 3, { maxUnavailable: 1 }, 1000]);
  assert.match(formatPlan(s), /StatefulSet\) on 3 nodes, PDB max-unavailable=1/);
  assert.match(formatPlan(s), /upgrade node-2 \(cordon, evict, wait for the pods to go; at most 2m\)/);
});

test('a DaemonSet target with a node-local Service', () => {
  const s = parseScenario('n.yaml', scenario('    workload: daemonset\n    nodes: 2\n    traffic-policy: local=node-2\n    max-surge: 1', '  - rollout: restart'), '/tmp');
  const settings = s.target.settings as LocalRuntimeSettings;
  assert.deepEqual([settings.daemon, settings.nodes, settings.trafficPolicy, settings.maxSurge, settings.maxUnavailable], [true, 2, { node: 'node-2' }, { count: 1 }, { count: 1 }]);
});

const bad: Array<[string, string, RegExp]> = [
  ['    nodes: 2', '  - drain-node: ""', /n\.yaml:6: steps\[0\]\.drain-node: is empty/],
  ['    nodes: 2', '  - drain-node: Node_1', /n\.yaml:6: .*"Node_1" is not a node name; write the node as kubectl get nodes shows it/],
  ['    nodes: 2', '  - drain-node: {timeout: 1m}', /n\.yaml:6: .*"node" is missing/],
  ['    nodes: 2', '  - drain-node: {node: node-1, retry: 0s}', /must be longer than 0; kubectl drain waits 5s between tries/],
  ['    workload: job', '  - wait: 1s', /n\.yaml:4: target\.local\.workload: "job" is not a workload kind/],
  ['    pdb: half', '  - wait: 1s', /n\.yaml:4: target\.local\.pdb: "half" is not a budget; use max-unavailable=N or min-available=N/],
  ['    partition: 1', '  - wait: 1s', /only a StatefulSet has a partition; add workload statefulset or remove it/],
];

for (const [target, steps, message] of bad) {
  test(`scenario error is one line: ${message.source.slice(0, 60)}`, () => {
    assert.throws(
      () => parseScenario('n.yaml', scenario(target, steps), '/tmp'),
      (e: unknown) => message.test((e as Error).message) && !(e as Error).message.includes('\n'),
    );
  });
}
