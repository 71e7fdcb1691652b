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
