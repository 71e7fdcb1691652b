import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyError, errorCode, statusKind } from '../../src/traffic/classify.js';

test('statuses: 5xx and 4xx fail, the rest is ok', () => {
  assert.deepEqual([200, 204, 301, 404, 429, 500, 503].map(statusKind), [
    'ok',
    'ok',
    'ok',
    'http_4xx',
    'http_4xx',
    'http_5xx',
    'http_5xx',
  ]);
});

test('errors by code and connection history', () => {
  const table: Array<[string | undefined, boolean, boolean, string]> = [
    ['ECONNREFUSED', false, false, 'refused'],
    ['UND_ERR_SOCKET', true, false, 'closed_before_response'],
    ['ECONNRESET', true, false, 'closed_before_response'],
    ['UND_ERR_SOCKET', true, true, 'reset'],
    ['UND_ERR_SOCKET', false, false, 'reset'],
    ['ECONNRESET', false, false, 'reset'],
    ['EPIPE', false, true, 'reset'],
    ['UND_ERR_CONNECT_TIMEOUT', false, false, 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', true, false, 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', true, true, 'timeout'],
    ['ENOTFOUND', false, false, 'dns'],
    ['EAI_AGAIN', false, false, 'dns'],
    ['ERR_SOMETHING', false, false, 'other'],
    [undefined, false, false, 'other'],
  ];
  for (const [code, reused, responseStarted, kind] of table) {
    assert.equal(
      classifyError({ code, reused, responseStarted }),
      kind,
      `${code} reused=${reused} started=${responseStarted}`,
    );
  }
});

test('errorCode reads the code or its cause', () => {
  assert.equal(errorCode(Object.assign(new Error('x'), { code: 'ECONNRESET' })), 'ECONNRESET');
  assert.equal(
    errorCode(new Error('x', { cause: Object.assign(new Error('y'), { code: 'ENOTFOUND' }) })),
    'ENOTFOUND',
  );
  assert.equal(errorCode(new Error('x')), undefined);
});
