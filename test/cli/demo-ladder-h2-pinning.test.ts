// test-lane: slow: two real gRPC rollouts of 3 replicas with 10 long-lived connections each
// The pinning run of issue 21: 3 replicas replaced one at a time, 10 long-lived
// gRPC connections, a rollout. Without a maximum connection age the last new pod
// gets no connection and connection-pinning fires; with DEMO_MAX_CONNECTION_AGE
// the connections re-spread and it does not. `rollcheck demo --protocol grpc
// --variants pinned,max-age` runs exactly that pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { PINNED_SHARE } from '../../src/analysis/findings-connection-pinning.js';
import { loadResults } from '../../src/results/io.js';
import type { Results } from '../../src/results/types.js';
import { judgeDemoExit } from '../helpers/traffic-command.js';
import { createTestIo } from '../helpers.js';

/** sharesAtEnd is each pod's share of the ok answers in the second before the run's last one. */
function sharesAtEnd(r: Results): Map<string, number> {
  const last = r.intervals.filter((s) => s.atMs >= r.meta.durationMs - 2000 && s.atMs < r.meta.durationMs - 1000);
  const by = new Map<string, number>();
  for (const s of last) for (const [pod, n] of Object.entries(s.okByPod)) by.set(pod, (by.get(pod) ?? 0) + n);
  const total = [...by.values()].reduce((a, b) => a + b, 0);
  return new Map([...by].map(([pod, n]) => [pod, n / total]));
}

test('pinning run: 3 replicas, 10 long-lived gRPC connections, a rollout: connection-pinning without a maximum connection age, not with it', { timeout: 170_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-pinning-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const io = createTestIo({ cwd: dir });
  const code = await runCli(['demo', '--protocol', 'grpc', '--variants', 'pinned,max-age', '--no-dashboard', '--out-dir', 'out'], io);
  // On two busy cores a rung may be inconclusive (the generator fell behind): nothing to judge of pinning then.
  const unsure = judgeDemoExit(code, join(dir, 'out'), ['pinned', 'max-age'], `${io.out()}\n${io.err()}`);
  if (unsure.length > 0) return t.diagnostic(`inconclusive: ${unsure.join(', ')}`);
  const pinned = loadResults(join(dir, 'out', '1-pinned.json'));
  const aged = loadResults(join(dir, 'out', '2-max-age.json'));
  for (const r of [pinned, aged]) {
    assert.equal(r.meta.params.replicas, 3);
    assert.equal(r.meta.params.connections, 10);
    assert.equal(r.events.filter((e) => e.kind === 'pod-created').length, 6, 'three pods and their three replacements');
    assert.equal(r.totals.failed - (r.analysis?.verdict.uncounted?.neverProcessed ?? 0), 0, 'no failure an application would see');
  }
  const f = pinned.analysis?.findings.find((x) => x.id === 'connection-pinning');
  assert.ok(f, `pinned: ${pinned.analysis?.findings.map((x) => x.id).join(', ')}`);
  assert.ok(Number(f.data?.lowestSharePct) < (100 / 3) * PINNED_SHARE, `the starved pod's share ${String(f.data?.lowestSharePct)}%`);
  assert.equal(f.pods.length, 1);
  // Ground truth from the answers themselves: the starved pod answered (almost) nothing at the end of the run.
  assert.ok((sharesAtEnd(pinned).get(f.pods[0] ?? '') ?? 0) < (1 / 3) * PINNED_SHARE, JSON.stringify([...sharesAtEnd(pinned)]));
  assert.ok(!aged.analysis?.findings.some((x) => x.id === 'connection-pinning'), `max-age: ${aged.analysis?.findings.map((x) => x.id).join(', ')}`);
  const spread = sharesAtEnd(aged);
  assert.equal(spread.size, 3, `with a maximum connection age every new pod answers: ${JSON.stringify([...spread])}`);
  assert.ok(aged.connections && aged.connections.some((c) => c.goaways.length > 0 && c.openedAtMs < (aged.events.find((e) => e.kind === 'rollout-started')?.atMs ?? 0)), 'connections aged out during the baseline');
});
