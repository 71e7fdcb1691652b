// The registry of finding rules (rules.ts) holds to FINDING_IDS: every id has
// exactly one rule, every rule an id, and each rule lives in findings-<id>.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { RULES } from '../../src/analysis/rules.js';
import { FINDING_IDS } from '../../src/results/types.js';

const ANALYSIS = resolve(import.meta.dirname, '../../src/analysis');

test('every finding id has one rule in the registry, and every rule an id', () => {
  const ruleIds = RULES.map((r) => r.id);
  assert.deepEqual(
    FINDING_IDS.filter((id) => !ruleIds.includes(id)),
    [],
    'finding ids without a rule: add a findings-<id>.ts rule and list it in src/analysis/rules.ts',
  );
  assert.deepEqual(ruleIds.filter((id) => !(FINDING_IDS as readonly string[]).includes(id)), [], 'rules whose id is not in FINDING_IDS');
  assert.deepEqual(ruleIds.filter((id, i) => ruleIds.indexOf(id) !== i), [], 'ids with more than one rule');
});

test('each rule lives in its own findings-<id>.ts, and every such file is registered', async () => {
  const files = readdirSync(ANALYSIS).filter((f) => /^findings-.+\.ts$/.test(f));
  assert.deepEqual(files.sort(), FINDING_IDS.map((id) => `findings-${id}.ts`).sort());
  for (const id of FINDING_IDS) {
    const mod = (await import(`../../src/analysis/findings-${id}.js`)) as Record<string, unknown>;
    const own = Object.values(mod).filter((v) => RULES.includes(v as (typeof RULES)[number]));
    assert.deepEqual(own.map((r) => (r as (typeof RULES)[number]).id), [id], `findings-${id}.ts exports the rule for ${id}, and only it`);
  }
});
