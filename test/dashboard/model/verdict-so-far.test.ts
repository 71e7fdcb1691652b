// The dashboard's running verdict follows the run's rule: streams refused
// unprocessed (goaway_refused, stream_refused) are not counted against
// --max-errors, unless --strict-streams; every other failure is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verdictSoFar } from '../../../src/dashboard/model/verdict-so-far.js';
import { analyze } from '../../../src/analysis/index.js';
import { fail, makeResults } from '../../analysis/fixtures.js';

const refused = (n: number) => Array.from({ length: n }, (_, i) => fail(3000 + i * 5, 'goaway_refused', { reused: true, streamId: 2 * i + 21 }));

test('verdict so far: refused unprocessed streams leave it passing, as the run\'s verdict does', () => {
  const r = makeResults({ failures: refused(6) });
  const v = verdictSoFar(r.totals, { maxErrors: 0 });
  assert.equal(v.failing, false);
  assert.equal(v.failing, !analyze(r, { maxErrors: 0 }).verdict.pass);
  assert.match(v.text, /^passing: 6 failed \(0\.\d+%\), 6 refused unprocessed not counted, max 0$/);
  const strict = verdictSoFar(r.totals, { maxErrors: 0, strictStreams: true });
  assert.equal(strict.failing, true);
  assert.match(strict.text, /^FAILING: 6 failed \(0\.\d+%\), max 0$/);
});

test('verdict so far: a stream reset after it started still counts', () => {
  const r = makeResults({ failures: [...refused(6), fail(5000, 'stream_reset', { reused: true })] });
  const v = verdictSoFar(r.totals, { maxErrors: 0 });
  assert.equal(v.failing, true);
  assert.match(v.text, /^FAILING: 7 failed .*, 6 refused unprocessed not counted, max 0$/);
});
