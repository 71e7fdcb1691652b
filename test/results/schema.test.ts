import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESULTS_JSON_SCHEMA, validateResults } from '../../src/results/validate.js';
import { ATTRIBUTION_HOWS, FAILURE_KINDS, FINDING_IDS, OUTCOME_KINDS, RUN_MODES } from '../../src/results/types.js';
import { KIND_STYLE } from '../../src/results/kind-style.js';
import { sampleResults } from '../report/sample-results.js';

// Walks the schema by property names; a missing step fails the test naming it.
function at(path: string[]): unknown {
  let node: unknown = RESULTS_JSON_SCHEMA;
  for (const key of path) {
    assert.ok(node !== null && typeof node === 'object' && key in node, `the schema has no ${path.join('.')} (stopped at ${key})`);
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

// Each enum in the schema must list exactly the values of its one list in src/results/, in the same order.
const ENUMS: Array<[string, string[], readonly string[]]> = [
  ['outcome kinds (kindCounts keys)', ['definitions', 'kindCounts', 'propertyNames', 'enum'], OUTCOME_KINDS],
  ['failure kinds (failure.kind)', ['definitions', 'failure', 'properties', 'kind', 'enum'], FAILURE_KINDS],
  ['run modes (meta.mode)', ['properties', 'meta', 'properties', 'mode', 'enum'], RUN_MODES],
  ['attribution hows (analysis.attributions[].how)', ['properties', 'analysis', 'properties', 'attributions', 'anyOf', '0', 'items', 'properties', 'how', 'enum'], ATTRIBUTION_HOWS],
  ['finding ids (analysis.findings[].id)', ['properties', 'analysis', 'properties', 'findings', 'items', 'properties', 'id', 'enum'], FINDING_IDS],
];

for (const [name, path, list] of ENUMS) {
  test(`schema: the ${name} enum is the list in src/results/types.ts`, () => {
    assert.deepEqual(at(path), [...list], `update src/results/schema.json ${path.join('.')} to match the list`);
  });
}

test('schema: a finding id missing from FINDING_IDS is rejected, naming the field', () => {
  const r = sampleResults();
  assert.ok(r.analysis && r.analysis.findings.length > 0, 'the sample run has findings');
  assert.equal(validateResults(JSON.parse(JSON.stringify(r))), null);
  const bad = JSON.parse(JSON.stringify(r)) as { analysis: { findings: Array<{ id: string }> } };
  const first = bad.analysis.findings[0];
  assert.ok(first);
  first.id = 'no-such-finding';
  assert.match(validateResults(bad) ?? '', /^analysis\.findings\.0\.id /);
});

test('kind style: every kind has a short label of at most eight columns and its own colour', () => {
  const colours = new Set<string>();
  for (const k of OUTCOME_KINDS) {
    const s = KIND_STYLE[k];
    assert.ok(s.short.length > 0 && s.short.length <= 8, `${k}: short label "${s.short}"`);
    assert.match(s.color, /^#[0-9a-f]{6}$/, `${k}: colour`);
    colours.add(s.color);
  }
  assert.equal(colours.size, OUTCOME_KINDS.length, 'no two kinds share a colour');
});
