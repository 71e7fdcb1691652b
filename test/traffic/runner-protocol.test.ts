import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionRecord } from '../../src/results/types.js';
import { encodeRunnerRecord, parseRunnerLine, runnerShare, RUNNER_PROTOCOL, specSettings, type RunnerRecord, type RunnerSpec } from '../../src/traffic/runner-protocol.js';
import { settingsFor } from './harness.js';

test('runner protocol: records round-trip as one NDJSON line each', () => {
  const hello = { type: 'hello', protocol: RUNNER_PROTOCOL, at: 1.5, index: 2, ratePerSec: 100 } as const;
  const line = encodeRunnerRecord(hello);
  assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
  assert.deepEqual(parseRunnerLine(line.trim()), hello);
  const final = { type: 'final', at: 9, inFlightAtStop: 1, scheduleEndMs: 5000, totals: { sent: 3, ok: 1, failed: 1 } } as const;
  assert.deepEqual(parseRunnerLine(encodeRunnerRecord(final)), final);
  // v3: a batch carries its connection records (with their GOAWAYs) and the fresh connections only counted.
  const record: ConnectionRecord = { connId: 'w1:c3', population: 'keepalive', openedAtMs: 10, closedAtMs: 900, pod: 'web-1', streams: 40, goaways: [{ atMs: 800, errorCode: 'NO_ERROR', lastStreamId: 79, streamsOpen: 2 }], streamsOpenAtClose: 0 };
  const batch: RunnerRecord = { type: 'batch', at: 2, batch: { source: 1, partials: [], closedBefore: 9, connections: { records: [record], freshOmittedByPod: { 'web-1': 7 } } } };
  assert.deepEqual(parseRunnerLine(encodeRunnerRecord(batch)), batch);
});

test('runner protocol: v1 and v2 are still read, another version is refused with the fix; garbage is not a record', () => {
  assert.equal(RUNNER_PROTOCOL, 'rollcheck.runner/v3');
  assert.throws(() => parseRunnerLine(JSON.stringify({ type: 'hello', protocol: 'rollcheck.runner/v4', at: 1 })), /speaks rollcheck\.runner\/v4.*same rollcheck version/);
  // v2 runners (no connection records in their batches) are still read.
  const v2 = { type: 'hello', protocol: 'rollcheck.runner/v2', at: 1, index: 0, ratePerSec: 10 };
  assert.deepEqual(parseRunnerLine(JSON.stringify(v2)), v2);
  // v1 runners (no load or actual sends in their batches) are still read: the run judges them by the merged lag.
  const v1 = { type: 'hello', protocol: 'rollcheck.runner/v1', at: 1, index: 0, ratePerSec: 10 };
  assert.deepEqual(parseRunnerLine(JSON.stringify(v1)), v1);
  assert.throws(() => parseRunnerLine('{"type":"nope","at":1}'), /unknown runner record/);
  assert.throws(() => parseRunnerLine('{"type":"batch"}'), /not a runner record/);
  assert.throws(() => parseRunnerLine('SIGTERM: stopping'));
});

test('runner share: rate/N each, connections and in-flight cap split, body carried as base64', () => {
  const s = settingsFor({ ratePerSec: 300, connections: 10, maxInFlight: 1000, body: Buffer.from('{"a":1}'), workers: 1 });
  const shares = [0, 1, 2].map((i) => runnerShare(s, i, 3));
  assert.deepEqual(shares.map((x) => x.ratePerSec), [100, 100, 100]);
  assert.deepEqual(shares.map((x) => x.connections), [4, 3, 3]);
  assert.equal(shares.reduce((a, x) => a + x.maxInFlight, 0), 1000);
  const back = specSettings({ url: 'http://127.0.0.1/', settings: shares[0]!, index: 0, count: 3, epochMs: 0, startAtEpochMs: null, warmupMs: 0, offsetMs: 0, lateStartMs: 0, maxRunMs: 1 });
  assert.equal(Buffer.from(back.body ?? []).toString(), '{"a":1}');
});

test('runner spec: the protocol travels; a spec from an older coordinator that names none is HTTP/1.1', () => {
  const spec = (settings: RunnerSpec['settings']): RunnerSpec => ({ url: 'http://127.0.0.1/', settings, index: 0, count: 1, epochMs: 0, startAtEpochMs: null, warmupMs: 0, offsetMs: 0, lateStartMs: 0, maxRunMs: 1 });
  const h2c = runnerShare(settingsFor({ protocol: 'h2c' }), 0, 1);
  assert.equal(h2c.protocol, 'h2c');
  assert.equal(specSettings(spec(JSON.parse(JSON.stringify(h2c)) as RunnerSpec['settings'])).protocol, 'h2c');
  const { protocol: _dropped, ...older } = runnerShare(settingsFor(), 0, 1);
  assert.equal(specSettings(spec(older)).protocol, 'http1');
});
