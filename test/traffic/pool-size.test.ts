import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoPoolSize, connectionsNeeded, MAX_AUTO_CONNECTIONS, poolWarning } from '../../src/traffic/pool-size.js';
import { settingsFor } from './harness.js';

test('pod-kill-short-grace as once shipped: 150 req/s, 20 % fresh, 10 connections at 200 ms cannot carry it', () => {
  const s = settingsFor({ ratePerSec: 150, freshPercent: 20, connections: 10 });
  assert.equal(connectionsNeeded(s, 200), 36);
  assert.match(poolWarning(s, 200) ?? '', /--connections 10 carries about 50 req\/s at the 200 ms .* 120 req\/s.*Use --connections 36 or more/);
});

test('enough connections, or fresh connections only: no warning', () => {
  assert.equal(poolWarning(settingsFor({ ratePerSec: 150, freshPercent: 20, connections: 40 }), 200), null);
  assert.equal(poolWarning(settingsFor({ ratePerSec: 1000, freshPercent: 100, connections: 1 }), 200), null);
  assert.equal(poolWarning(settingsFor({ ratePerSec: 100, connections: 10 }), 2), null);
});

test('without --connections the pool grows to carry the rate, up to a bound; given, it is left as it is', () => {
  const auto = settingsFor({ ratePerSec: 150, freshPercent: 20, connections: 10, connectionsAuto: true });
  const sized = autoPoolSize(auto, 200);
  assert.equal(sized?.connections, 36);
  assert.match(sized?.note ?? '', /36 connections instead of 10, for 120 req\/s at the 200 ms/);
  assert.equal(poolWarning({ ...auto, connections: 36 }, 200), null, 'the grown pool needs no warning');
  assert.equal(autoPoolSize({ ...auto, connectionsAuto: false }, 200), null, 'a given --connections is the user\'s');
  assert.equal(autoPoolSize(auto, 5), null, 'the default carries it');
  assert.equal(autoPoolSize(auto, Number.NaN), null, 'nothing measured, nothing changed');
  const huge = autoPoolSize({ ...auto, ratePerSec: 20_000 }, 1000);
  assert.equal(huge?.connections, MAX_AUTO_CONNECTIONS);
  assert.notEqual(poolWarning({ ...auto, ratePerSec: 20_000, connections: MAX_AUTO_CONNECTIONS }, 1000), null, 'past the bound it still warns');
});
