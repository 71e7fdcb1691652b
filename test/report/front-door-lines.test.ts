import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frontDoorLines } from '../../src/report/front-door-lines.js';
import { buildReportData } from '../../src/report/report-data.js';
import { fail, makeResults } from '../analysis/fixtures.js';

test('frontDoorLines: per-method failures, what a proxy\'s retries saved and who wrote the HTTP failures', () => {
  const r = makeResults({
    failures: [
      fail(1000, 'http_5xx', { status: 502, answeredBy: 'nginx', method: 'POST' }),
      fail(1100, 'http_5xx', { status: 502, answeredBy: 'nginx', method: 'POST' }),
      fail(1200, 'http_5xx', { status: 500, answeredBy: 'app', method: 'GET' }),
    ],
  });
  r.totals.byMethod = { POST: { ok: 98, failed: 2 }, GET: { ok: 99, failed: 1 } };
  r.totals.savedByRetry = 7;
  assert.deepEqual(frontDoorLines(r), [
    'GET 1 of 100 failed · POST 2 of 100 failed · 7 saved by a proxy\'s retry',
    'HTTP failures written 2 by nginx, 1 by the app (a proxy\'s 5xx is a connection failure behind it)',
  ]);
});

test('frontDoorLines says nothing for a one-method run straight at the app', () => {
  const r = makeResults({ failures: [fail(1000, 'reset')] });
  r.totals.byMethod = { GET: { ok: 99, failed: 1 } };
  r.totals.savedByRetry = 0;
  assert.deepEqual(frontDoorLines(r), []);
});

test('the report carries the same lines, and its failure table names the method and the proxy that wrote a failure', () => {
  const r = makeResults({
    failures: [
      fail(1000, 'http_5xx', { status: 502, answeredBy: 'nginx', method: 'POST' }),
      fail(1200, 'http_5xx', { status: 500, answeredBy: 'app', method: 'GET' }),
    ],
  });
  r.totals.byMethod = { POST: { ok: 98, failed: 1 }, GET: { ok: 99, failed: 1 } };
  const d = buildReportData(r);
  assert.deepEqual(d.frontDoor, frontDoorLines(r));
  assert.equal(d.frontDoor.length, 2);
  assert.equal(d.table.rows[0]?.[2], 'POST HTTP 502 (answered by nginx)');
  assert.equal(d.table.rows[1]?.[2], 'GET HTTP 500', 'the app writing its own error is the plain case');
});
