// test-lane: slow: a long run with many failures, written and read back
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, ATTRIBUTION_CAP } from '../../src/analysis/index.js';
import { createFixedClock } from '../../src/results/clock.js';
import type { ClusterEvent } from '../../src/results/events.js';
import { resultsFileChunks } from '../../src/results/file-format.js';
import { loadResults, writeResults } from '../../src/results/io.js';
import { createRecorder } from '../../src/results/recorder.js';
import type { Results } from '../../src/results/types.js';
import { renderReport } from '../../src/report/index.js';
import { gracefulPodEvents, shellPodEvents } from '../analysis/fixtures.js';
import { seededRandom } from '../report/sample-results.js';
import { usageMessage, withDir } from './io-helpers.js';

const RATE = 2000;
const SECONDS = 60;

/**
 * longRun records a 60 s run at 2 000/s through the real recorder: pod a is
 * replaced by c at 20 s (its reused connections reset while it exits), pod b by
 * d at 40 s (refused new connections after its SIGKILL), and every 10th
 * request is a 503 all along: ~16 000 failures, past the attribution cap.
 */
function longRun(): Results {
  const clock = createFixedClock();
  const rec = createRecorder({ clock, command: 'local', mode: 'local', target: 'http://127.0.0.1:1/', params: {}, targetRatePerSec: RATE, warmupMs: 0, tickMs: 0 });
  rec.markRecording(0);
  const events: ClusterEvent[] = [
    ...gracefulPodEvents('a', 20_000, { drainMs: 2000 }),
    ...shellPodEvents('b', 40_000),
    // Times between the µs: an attribution's distance to them is kept as it is.
    { kind: 'pod-created', pod: 'c', revision: 'r2', atMs: 18_000.25 },
    { kind: 'pod-ready', pod: 'c', atMs: 19_000.1234567 },
    { kind: 'pod-created', pod: 'd', revision: 'r2', atMs: 38_000 },
    { kind: 'pod-ready', pod: 'd', atMs: 39_000 },
  ];
  for (const e of events) rec.event(e);
  const rnd = seededRandom(7);
  const total = RATE * SECONDS;
  for (let i = 0; i < total; i += 1) {
    const intendedAtMs = (i * 1000) / RATE;
    const lagMs = rnd() * 0.3;
    const startAtMs = intendedAtMs + lagMs;
    const endAtMs = startAtMs + 0.2 + rnd() * 2;
    const conn = i % 16;
    const pods = intendedAtMs < 20_000 ? ['a', 'b'] : intendedAtMs < 40_000 ? ['c', 'b'] : ['c', 'd'];
    const pod = pods[conn % 2] as string;
    rec.recordSent(intendedAtMs, 'keepalive', lagMs);
    const base = { intendedAtMs, startAtMs, endAtMs, connId: `w0:c${conn}`, reused: true, population: 'keepalive' as const, pod, method: 'GET' };
    if (pod === 'a' && intendedAtMs >= 20_500 && intendedAtMs < 22_000 && rnd() < 0.6) {
      rec.recordOutcome({ ...base, kind: 'reset', errorCode: 'UND_ERR_SOCKET', message: 'other side closed' });
    } else if (intendedAtMs >= 43_001 && intendedAtMs < 43_500 && conn % 2 === 1) {
      rec.recordOutcome({ ...base, kind: 'refused', errorCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1', connId: `w0:f${i}`, reused: false, pod: undefined });
    } else if (i % 10 === 0) {
      rec.recordOutcome({ ...base, kind: 'http_5xx', status: 503, answeredBy: 'app' });
    } else {
      rec.recordOutcome({ ...base, kind: 'ok', status: 200 });
    }
  }
  clock.set(SECONDS * 1000 + 5);
  const results = rec.finish({ stopReason: 'completed', interrupted: false, inFlightAtStop: 0 });
  results.analysis = analyze(results, { maxErrors: 0 });
  return results;
}

const run = longRun();
// What a file can hold: the recorder's records keep absent fields as undefined keys, JSON leaves them out.
const plain = JSON.parse(JSON.stringify(run)) as Results;

test('a long run with many failures round-trips write → load → analyze → report with the same findings and counts', () => {
  withDir((dir) => {
    const t = run.totals;
    assert.equal(t.sent, RATE * SECONDS);
    assert.equal(t.sent, t.ok + t.failed + (t.queueExpired ?? 0) + t.inFlightAtStop, 'sent = ok + failed + queueExpired + inFlightAtStop');
    assert.ok(run.failures.length > ATTRIBUTION_CAP, `${run.failures.length} failures, past the attribution cap`);
    const a = run.analysis;
    assert.ok(a);
    assert.ok(a.findings.length > 0 && a.windows.length > 0, 'the run has findings and outage windows');
    assert.ok(a.attributions.some((x) => x.how === 'connection' && x.event !== undefined && x.deltaMs !== undefined), 'attributions carry pods and events');
    const path = join(dir, 'run.json');
    writeResults(path, run);
    const back = loadResults(path);
    assert.deepEqual(back, plain, 'the file gives back the recorded object');
    assert.deepEqual(analyze(back, { maxErrors: 0 }), plain.analysis, 'the loaded run analyses the same');
    assert.equal(renderReport(back), renderReport(run), 'the report of the loaded run is the same page');
    const b = back.totals;
    assert.equal(b.sent, b.ok + b.failed + (b.queueExpired ?? 0) + b.inFlightAtStop);
  });
});

test('a v2 file packs failures and attributions: a fraction of the bytes per failure, written in pieces', () => {
  withDir((dir) => {
    const path = join(dir, 'run.json');
    writeResults(path, run);
    const bytes = statSync(path).size;
    const asObjects = Buffer.byteLength(JSON.stringify(run));
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { failures: { fields: string[]; rows: unknown[][] }; analysis: { attributions: { rows: unknown[][] } } };
    assert.equal(raw.failures.rows.length, run.failures.length);
    assert.ok(!raw.failures.fields.includes('upstream'), 'a field no failure has is left out');
    assert.equal(raw.analysis.attributions.rows.length, ATTRIBUTION_CAP);
    const packed = Buffer.byteLength(JSON.stringify(raw.failures));
    assert.ok(packed / run.failures.length < 50, `failures: ${(packed / run.failures.length).toFixed(1)} bytes each (v1: ~230)`);
    assert.ok(bytes < asObjects / 2, `the file is ${bytes} bytes, the object as JSON ${asObjects}`);
    const chunks = [...resultsFileChunks(run)];
    assert.equal(chunks.join(''), readFileSync(path, 'utf8'));
    const largest = Math.max(...chunks.map((c) => c.length));
    assert.ok(largest < bytes / 4, `largest piece ${largest} of ${bytes} bytes: never one string of the whole file`);
  });
});

test('a v1 file (failures and attributions as arrays of objects) still loads', () => {
  withDir((dir) => {
    const path = join(dir, 'v1.json');
    writeFileSync(path, JSON.stringify({ ...run, schema: 'rollcheck.results/v1' }));
    assert.deepEqual(loadResults(path), plain);
  });
});

test('a run without failures or analysis round-trips too: empty tables, analysis null', () => {
  withDir((dir) => {
    const clock = createFixedClock();
    const rec = createRecorder({ clock, command: 'load', mode: 'load', target: 'http://127.0.0.1:1/', params: {}, targetRatePerSec: 10, warmupMs: 0, tickMs: 0 });
    rec.markRecording(0);
    rec.recordSent(5, 'keepalive');
    rec.recordOutcome({ intendedAtMs: 5, startAtMs: 5.25, endAtMs: 7.5, kind: 'ok', connId: 'w0:c1', reused: false, population: 'keepalive' });
    clock.set(100);
    const quiet = rec.finish({ stopReason: 'completed', interrupted: false });
    const path = join(dir, 'quiet.json');
    writeResults(path, quiet);
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { failures: unknown; analysis: unknown };
    assert.deepEqual(raw.failures, { fields: [], codings: [], rows: [], dicts: {} });
    assert.equal(raw.analysis, null);
    assert.deepEqual(loadResults(path), JSON.parse(JSON.stringify(quiet)));
  });
});

test('a damaged packed table or an unknown version is one line naming the field or the fix', () => {
  withDir((dir) => {
    const path = join(dir, 'run.json');
    writeResults(path, run);
    const text = readFileSync(path, 'utf8');
    type FileShape = { schema: string; failures: { fields: string[]; rows: unknown[][]; dicts: Record<string, unknown[]> }; analysis: { attributions: unknown } };
    const damaged = (name: string, change: (d: FileShape) => void): string => {
      const d = JSON.parse(text) as FileShape;
      change(d);
      const p = join(dir, name);
      writeFileSync(p, JSON.stringify(d));
      return usageMessage(() => loadResults(p));
    };
    assert.match(damaged('a.json', (d) => d.failures.rows[3]?.pop()), /failures\.rows\.3 does not have \d+ cells/);
    assert.match(
      damaged('b.json', (d) => ((d.failures.rows[5] as unknown[])[d.failures.fields.indexOf('kind')] = 99)),
      /failures\.rows\.5\.\d+ \(kind\) is not a valid dict value/,
    );
    assert.match(damaged('c.json', (d) => ((d.failures.dicts.kind as unknown[])[1] = 'exploded')), /invalid results file: failures\.0\.kind /);
    assert.match(damaged('d.json', (d) => (d.analysis.attributions = { rows: [] })), /analysis\.attributions is not a packed table/);
    assert.match(damaged('e.json', (d) => (d.schema = 'rollcheck.results/v3')), /version v3 is not supported by this rollcheck \(reads v1 and v2\); use a matching rollcheck version/);
  });
});
