import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frontDoorLines } from '../../src/report/front-door-lines.js';
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
