// test-lane: slow: a real run against a hostile HTTP/2 server
// What a standard client would have hidden, from a real run: streams a hostile
// server refused (by GOAWAY and by REFUSED_STREAM) are failures of their own
// kinds, counted apart by pod, never as ok.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hiddenByStandardClient } from '../../src/results/never-processed.js';
import type { FailureRecord } from '../../src/results/types.js';
import { driveH2 } from './h2-drive.js';
import { startHostileServer } from './h2-hostile.js';
import { runTraffic, settingsFor } from './harness.js';
import { validateResults } from '../../src/results/validate.js';
import { formatSummary } from '../../src/report/summary.js';
import { buildReportData } from '../../src/report/report-data.js';
import { hiddenText } from '../../src/report/hidden-lines.js';

test('never-processed streams are counted apart by pod; other failures are not', async () => {
  const a = await startHostileServer({ hostility: 'goaway-then-close', streams: 6 });
  try {
    const r = await driveH2({ origin: `http://127.0.0.1:${a.port}`, calls: 6, timeoutMs: 2000 });
    const failures = r.outcomes
      .filter((o) => o.kind !== 'ok')
      .map((o) => ({ kind: o.kind, pod: o.pod, connId: o.connId }) as unknown as FailureRecord);
    const hidden = hiddenByStandardClient(failures);
    const refusedByGoaway = a.log.filter((l) => l.action === 'refused-by-goaway').length;
    assert.equal(hidden.total, refusedByGoaway);
    assert.ok(hidden.total > 0 && hidden.total < failures.length, 'the streams cut after the GOAWAY are not hidden');
    assert.deepEqual(hidden.byPod, { 'hostile-1': refusedByGoaway });
    assert.equal(r.outcomes.filter((o) => o.kind === 'ok').length, a.log.filter((l) => l.action === 'answered').length);
  } finally {
    await a.close();
  }
});

test('a real h2c run: the totals count the never-processed streams by pod, the summary says it, none is ok', async () => {
  const a = await startHostileServer({ hostility: 'goaway-then-close', streams: 9 });
  try {
    const r = await runTraffic(`http://127.0.0.1:${a.port}/`, settingsFor({ protocol: 'h2c', ratePerSec: 60, connections: 1, timeoutMs: 3000 }), { durationMs: 1000 });
    const refused = a.log.filter((l) => l.action === 'refused-by-goaway').length;
    assert.ok(refused > 0, 'the server refused streams by its GOAWAY');
    // Besides the streams it held, a stream sent while its GOAWAY was on the wire is refused unseen by it.
    const hidden = (r.totals.byKind.goaway_refused ?? 0) + (r.totals.byKind.stream_refused ?? 0);
    assert.ok(hidden >= refused, `${hidden} refused, the server logged ${refused}`);
    assert.deepEqual(r.totals.hiddenByStandardClient, { total: hidden, byPod: { 'hostile-1': hidden } });
    // A hidden failure is never ok: the books balance with it among the failures.
    assert.ok(r.totals.failed >= hidden);
    assert.equal(r.totals.sent, r.totals.ok + r.totals.failed + r.totals.inFlightAtStop + (r.totals.queueExpired ?? 0));
    assert.ok(r.totals.ok <= a.log.filter((l) => l.action === 'answered').length, 'no ok the server did not answer');
    assert.equal(validateResults(JSON.parse(JSON.stringify(r))), null);
    const summary = formatSummary(r, { color: false, width: 200 });
    assert.match(summary, new RegExp(`hidden +by a standard client: ${hidden} of ${r.totals.failed} failures were never processed`));
    assert.match(summary, new RegExp(`by pod: hostile-1 ${hidden}`));
    // The report carries the same line.
    assert.equal(buildReportData(r).hidden, hiddenText(r));
  } finally {
    await a.close();
  }
});
