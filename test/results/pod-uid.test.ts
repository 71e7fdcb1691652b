import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/index.js';
import type { ClusterEvent } from '../../src/results/events.js';
import { loadResults, writeResults } from '../../src/results/io.js';
import { validateResults } from '../../src/results/validate.js';
import { fail, makeResults } from '../analysis/fixtures.js';
import { withDir } from './io-helpers.js';

// Two pods named demo-0 (a StatefulSet's replacement): the UIDs survive a results file.
const events: ClusterEvent[] = [
  { kind: 'pod-created', pod: 'demo-0', podUid: 'a1', revision: 'r1', atMs: -2000 },
  { kind: 'pod-ready', pod: 'demo-0', podUid: 'a1', atMs: -1000 },
  { kind: 'pod-terminating', pod: 'demo-0', podUid: 'a1', graceMs: 1000, atMs: 1000 },
  { kind: 'pod-deleted', pod: 'demo-0', podUid: 'a1', atMs: 2000 },
  { kind: 'pod-created', pod: 'demo-0', podUid: 'b2', revision: 'r2', atMs: 2100 },
  { kind: 'pod-ready', pod: 'demo-0', podUid: 'b2', atMs: 2500 },
];

test('podUid round-trips through a results file and the analysis tells the incarnations apart after loading', () => {
  withDir((dir) => {
    const results = makeResults({ durationMs: 4000, events, failures: [fail(1500, 'reset', { reused: true, pod: 'demo-0' }), fail(3000, 'reset', { reused: true, pod: 'demo-0' })] });
    results.analysis = analyze(results, { maxErrors: 0 });
    const path = join(dir, 'run.json');
    writeResults(path, results);
    const loaded = loadResults(path);
    assert.equal(validateResults(JSON.parse(JSON.stringify(loaded))), null);
    assert.deepEqual(loaded.events.map((e) => ('podUid' in e ? e.podUid : null)), ['a1', 'a1', 'a1', 'a1', 'b2', 'b2']);
    // The file keeps real names; incarnation labels are derived, never stored in events.
    assert.ok(loaded.events.every((e) => !('pod' in e) || e.pod === 'demo-0'));
    const again = analyze(loaded, { maxErrors: 0 });
    assert.deepEqual(again.attributions.map((a) => a.pod), ['demo-0', 'demo-0 (2)']);
    assert.deepEqual(loaded.analysis?.attributions.map((a) => a.pod), ['demo-0', 'demo-0 (2)']);
  });
});

test('the schema refuses a podUid that is not a string', () => {
  const results = JSON.parse(JSON.stringify(makeResults({ durationMs: 1000, events: events.slice(0, 1) }))) as { events: Array<Record<string, unknown>> };
  const first = results.events[0];
  assert.ok(first);
  first.podUid = 7;
  assert.match(validateResults(results) ?? '', /podUid/);
});
