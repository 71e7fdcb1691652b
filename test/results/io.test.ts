import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFixedClock } from '../../src/results/clock.js';
import { createRecorder } from '../../src/results/recorder.js';
import { loadResults, writeResults } from '../../src/results/io.js';
import { validateResults } from '../../src/results/validate.js';
import { usageMessage, withDir } from './io-helpers.js';
import type { Results } from '../../src/results/types.js';

function sampleResults(): Results {
  const clock = createFixedClock();
  const rec = createRecorder({
    clock,
    command: 'load',
    mode: 'load',
    target: 'http://127.0.0.1:1/',
    params: {},
    targetRatePerSec: 10,
    warmupMs: 0,
    tickMs: 0,
  });
  rec.markRecording(0);
  rec.recordSent(5, 'keepalive');
  rec.recordSent(6, 'fresh');
  rec.recordOutcome({
    intendedAtMs: 5,
    startAtMs: 5,
    endAtMs: 7,
    kind: 'ok',
    connId: 'w0:c1',
    reused: false,
    population: 'keepalive',
    pod: 'p',
  });
  rec.recordOutcome({
    intendedAtMs: 6,
    startAtMs: 6,
    endAtMs: 9,
    kind: 'refused',
    errorCode: 'ECONNREFUSED',
    connId: 'w0:c2',
    reused: false,
    population: 'fresh',
  });
  rec.event({ kind: 'pod-ready', pod: 'p', atMs: 3 });
  clock.set(100);
  return rec.finish({ stopReason: 'completed', interrupted: false });
}

test('results written by the recorder validate against the schema and load back equal', () => {
  withDir((dir) => {
    const r = sampleResults();
    assert.equal(validateResults(r), null);
    const path = join(dir, 'run.json');
    writeResults(path, r);
    assert.deepEqual(loadResults(path), JSON.parse(JSON.stringify(r)));
  });
});

test('bad files give one clear line each', () => {
  withDir((dir) => {
    assert.match(
      usageMessage(() => loadResults(join(dir, 'missing.json'))),
      /no such file/,
    );
    const notJson = join(dir, 'a.json');
    writeFileSync(notJson, '{oops');
    assert.match(
      usageMessage(() => loadResults(notJson)),
      /not JSON/,
    );
    const foreign = join(dir, 'b.json');
    writeFileSync(foreign, JSON.stringify({ name: 'k6 summary' }));
    assert.match(
      usageMessage(() => loadResults(foreign)),
      /not a rollcheck results file/,
    );
    const v2 = join(dir, 'c.json');
    writeFileSync(v2, JSON.stringify({ ...sampleResults(), schema: 'rollcheck.results/v3' }));
    assert.match(
      usageMessage(() => loadResults(v2)),
      /version v3 is not supported/,
    );
    const bad = join(dir, 'd.json');
    const r = JSON.parse(JSON.stringify(sampleResults())) as Results;
    (r.totals as unknown as Record<string, unknown>).sent = 'many';
    writeFileSync(bad, JSON.stringify(r));
    assert.match(
      usageMessage(() => loadResults(bad)),
      /totals\.sent must be integer/,
    );
    const missing = join(dir, 'e.json');
    const r2 = JSON.parse(JSON.stringify(sampleResults())) as Record<string, unknown>;
    delete r2.failures;
    writeFileSync(missing, JSON.stringify(r2));
    assert.match(
      usageMessage(() => loadResults(missing)),
      /failures is missing/,
    );
    const badKind = join(dir, 'f.json');
    const r3 = JSON.parse(JSON.stringify(sampleResults())) as Results;
    (r3.failures[0] as unknown as Record<string, unknown>).kind = 'exploded';
    writeFileSync(badKind, JSON.stringify(r3));
    assert.match(
      usageMessage(() => loadResults(badKind)),
      /failures\.0\.kind/,
    );
  });
});

test('writing into a missing folder is a usage error', () => {
  withDir((dir) => {
    assert.match(
      usageMessage(() => writeResults(join(dir, 'nope', 'r.json'), sampleResults())),
      /does not exist/,
    );
  });
});

test('the schema documents every property it declares', () => {
  const schema = JSON.parse(
    readFileSync(new URL('../../src/results/schema.json', import.meta.url), 'utf8'),
  ) as unknown;
  const undocumented: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.properties && typeof n.properties === 'object') {
      for (const [k, v] of Object.entries(
        n.properties as Record<string, Record<string, unknown>>,
      )) {
        if (typeof v.description !== 'string' && typeof v.$ref !== 'string')
          undocumented.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
    }
    for (const key of ['items', 'definitions', 'additionalProperties'])
      if (n[key]) walk(n[key], `${path}.${key}`);
  };
  walk(schema, '$');
  for (const [name, def] of Object.entries(
    (schema as { definitions: Record<string, unknown> }).definitions,
  ))
    walk(def, name);
  assert.deepEqual(undocumented, []);
});
