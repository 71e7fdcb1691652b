// test-from-source: checks the page script as a run from the .ts sources bundles it on first use, against what the build writes
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Script } from 'node:vm';
import { CLIENT_PAGES, writeClientBundles } from '../../src/report/client-bundle.js';
import { clientScript } from '../../src/report/client-script.js';
import { KIND_STYLE } from '../../src/results/kind-style.js';
import { OUTCOME_KINDS } from '../../src/results/types.js';

for (const page of CLIENT_PAGES) {
  test(`client script: ${page} is one classic script that imports nothing at view time`, () => {
    const code = clientScript(page);
    assert.doesNotThrow(() => new Script(code, { filename: `${page}.js` }), 'compiles as a classic (non-module) script');
    assert.doesNotMatch(code, /^\s*(import|export)\b|\brequire\(|\bimport\(/m);
    assert.doesNotMatch(code, /<\/script/i);
    assert.equal(clientScript(page), code, 'bundled once per process');
  });
}

test('client script: the report page colours kinds from KIND_STYLE, the one table', () => {
  const code = clientScript('report-page');
  for (const k of OUTCOME_KINDS) assert.ok(code.includes(`color: "${KIND_STYLE[k].color}"`), `${k}'s colour is bundled from results/kind-style.ts`);
});

test('client script: the build writes exactly the scripts the source run inlines (what the golden file holds)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-client-'));
  try {
    const written = writeClientBundles(join(dir, 'client'));
    assert.deepEqual(written.map((p) => basename(p)), CLIENT_PAGES.map((p) => `${p}.js`));
    CLIENT_PAGES.forEach((page, i) => assert.equal(readFileSync(written[i] ?? '', 'utf8'), clientScript(page), page));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
