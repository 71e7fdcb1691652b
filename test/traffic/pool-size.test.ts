import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionsNeeded, poolWarning } from '../../src/traffic/pool-size.js';
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
