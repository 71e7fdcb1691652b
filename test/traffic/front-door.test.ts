import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMixPicker, parseMix, parseResolve, tlsProblem } from '../../src/traffic/front-door.js';
import { UsageError } from '../../src/errors.js';

test('parseMix reads methods, shares and optional paths; bad entries are usage errors', () => {
  assert.deepEqual(parseMix('GET=80,post=20'), [{ method: 'GET', weight: 80 }, { method: 'POST', weight: 20 }]);
  assert.deepEqual(parseMix('GET:/items=3, POST:/orders=1'), [{ method: 'GET', weight: 3, path: '/items' }, { method: 'POST', weight: 1, path: '/orders' }]);
  for (const bad of ['', 'GET', 'GET=0', 'GET=x', 'GET:items=1']) assert.throws(() => parseMix(bad), UsageError, bad);
});

test('createMixPicker spreads a mix evenly: every 10 requests of GET=80,POST=20 carry 8 GETs and 2 POSTs', () => {
  const pick = createMixPicker(parseMix('GET=80,POST=20'));
  for (let round = 0; round < 5; round += 1) {
    const counts = [0, 0];
    for (let i = 0; i < 10; i += 1) {
      const k = pick();
      counts[k] = (counts[k] ?? 0) + 1;
    }
    assert.deepEqual(counts, [8, 2]);
  }
  const one = createMixPicker(parseMix('PUT=1'));
  assert.equal(one(), 0);
});

test('parseResolve reads HOST:PORT:ADDR as curl does', () => {
  assert.deepEqual(parseResolve('Shop.Example.com:443:127.0.0.1'), { host: 'shop.example.com', port: 443, addr: '127.0.0.1' });
  assert.deepEqual(parseResolve('shop.test:8443:[::1]'), { host: 'shop.test', port: 8443, addr: '::1' });
  for (const bad of ['shop:443', 'shop:0:127.0.0.1', 'shop:443:not-an-ip']) assert.throws(() => parseResolve(bad), UsageError, bad);
});

test('tlsProblem words certificate and name errors as their fix, and leaves others alone', () => {
  assert.match(tlsProblem('SELF_SIGNED_CERT_IN_CHAIN', '', 'https://x/') ?? '', /unknown authority.*--ca-cert FILE.*--insecure/);
  assert.match(tlsProblem('CERT_HAS_EXPIRED', '', 'https://x/') ?? '', /expired/);
  assert.match(tlsProblem('EPROTO', 'wrong version number', 'https://x/') ?? '', /http:\/\/ vs https:\/\//);
  assert.equal(tlsProblem('ECONNRESET', 'socket hang up', 'https://x/'), undefined);
});
