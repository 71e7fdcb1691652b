import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReportData } from '../../src/report/report-data.js';
import { analyze } from '../../src/analysis/index.js';
import { sampleResults } from './sample-results.js';

test('report: a lost runner is a marker and a shaded band on the time axis, and a verdict reason', () => {
  const r = sampleResults();
  r.events.push({ kind: 'runner-lost', atMs: 4200, runner: 2, name: 'rollcheck-runners-x-2-ab', reason: 'runner 2 died: container exited 137', ratePerSec: 100 });
  r.meta.runners = [
    { index: 2, name: 'rollcheck-runners-x-2-ab', ratePerSec: 100, sent: 10, ok: 10, failed: 0, inFlightAtStop: 0, status: 'lost', lostFromMs: 4100, lostReason: 'runner 2 died: container exited 137', clock: { offsetMs: 0, uncertaintyMs: 1, method: 'test' } },
  ];
  const data = buildReportData(r);
  assert.deepEqual(data.marks.find((m) => m.label.startsWith('runner')), { t: 4.2, label: 'runner 2 lost (100/s)', kind: 'failed' });
  // The band runs from the loss to the end of the run's time axis.
  assert.equal(data.lostShares.length, 1);
  assert.equal(data.lostShares[0]?.from, 4.1);
  assert.ok((data.lostShares[0]?.to ?? 0) >= r.meta.durationMs / 1000);
  assert.deepEqual(buildReportData(sampleResults()).lostShares, []);
  const verdict = analyze(r, {}).verdict;
  assert.equal(verdict.pass, false);
  assert.deepEqual(verdict.reasons, ['runner 2 (rollcheck-runners-x-2-ab) lost: its share (100/s) was not sent or not seen from 4.10 s on (runner 2 died: container exited 137); a generator problem, not the target\'s, but the run does not cover it']);
});
