// The floors of src/ are enforced by ESLint (FLOORS in eslint.config.js): a
// forbidden import planted in a folder must fail lint, an allowed one must pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = resolve(import.meta.dirname, '../..');

// Only the import rule: the planted files do not exist, so type-aware parsing is off.
const eslint = new ESLint({
  cwd: ROOT,
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports' || ruleId === 'floors/no-restricted-dynamic-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

async function importErrors(file: string, specifier: string, dynamic = false): Promise<string[]> {
  const code = dynamic
    ? `export const x = async () => await import('${specifier}');\n`
    : `import * as planted from '${specifier}';\nexport const x = planted;\n`;
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

const FORBIDDEN: Array<[file: string, specifier: string, why: RegExp]> = [
  ['src/analysis/planted.ts', '../cli/io.js', /may import only results\/, the ground floor/],
  ['src/analysis/planted.ts', '../cluster/driver.js', /may import only results\//],
  ['src/results/planted.ts', '../analysis/index.js', /may import only the ground floor/],
  ['src/results/planted.ts', '../cluster/driver.js', /may import only the ground floor/],
  ['src/report/planted.ts', '../cluster/local/index.js', /may import only results\/, analysis\//],
  ['src/dashboard/model/planted.ts', '../../cluster/driver.js', /may import only results\/, analysis\//],
  ['src/dashboard/planted.ts', '../run/session.js', /may import only/],
  ['src/traffic/planted.ts', '../cluster/driver.js', /may import only results\//],
  ['src/cluster/local/planted.ts', '../../traffic/engine.js', /may import only results\//],
  ['src/cluster/kube/planted.ts', '../local/index.js', /kube and local drivers are independent/],
  ['src/run/planted.ts', '../cli/io.js', /may import only/],
  ['src/scenario/planted.ts', '../cli/parse.js', /may import only/],
  ['src/planted.ts', './results/types.js', /src\/\*\.ts may import only the ground floor/],
  ['src/traffic/planted.ts', 'ink', /Only src\/dashboard\//],
  ['src/report/planted.ts', '@kubernetes/client-node', /Only src\/cluster\/kube\//],
  ['src/cli/commands/planted.ts', './report.js', /Commands do not import each other/],
];

const ALLOWED: Array<[file: string, specifier: string]> = [
  ['src/analysis/planted.ts', '../results/types.js'],
  ['src/analysis/planted.ts', '../errors.js'],
  ['src/report/planted.ts', '../analysis/index.js'],
  ['src/dashboard/model/planted.ts', '../../results/live.js'],
  ['src/run/planted.ts', '../cluster/driver.js'],
  ['src/scenario/planted.ts', '../run/session.js'],
  ['src/cli/commands/planted.ts', '../../scenario/index.js'],
  ['src/cli/commands/planted.ts', '../demo-variants.js'],
  ['src/cluster/kube/planted.ts', '../driver.js'],
  ['src/cluster/kube/planted.ts', '@kubernetes/client-node'],
  ['src/dashboard/planted.ts', 'ink'],
];

test('lint fails on an import that crosses a floor the wrong way', async () => {
  for (const [file, specifier, why] of FORBIDDEN) {
    const errors = await importErrors(file, specifier);
    assert.equal(errors.length, 1, `${file} importing ${specifier}: ${JSON.stringify(errors)}`);
    assert.match(errors[0] ?? '', why, `${file} importing ${specifier}`);
  }
});

test('lint passes the imports the floors allow', async () => {
  for (const [file, specifier] of ALLOWED) {
    assert.deepEqual(await importErrors(file, specifier), [], `${file} importing ${specifier}`);
  }
});

test('a lazy import() crosses a floor as surely as a static one: lint fails on it, and passes the allowed ones', async () => {
  for (const [file, specifier, why] of FORBIDDEN) {
    const errors = await importErrors(file, specifier, true);
    assert.equal(errors.length, 1, `${file} importing ${specifier} lazily: ${JSON.stringify(errors)}`);
    assert.match(errors[0] ?? '', /^floors\/no-restricted-dynamic-imports: /);
    assert.match(errors[0] ?? '', why, `${file} importing ${specifier} lazily`);
  }
  for (const [file, specifier] of ALLOWED) {
    assert.deepEqual(await importErrors(file, specifier, true), [], `${file} importing ${specifier} lazily`);
  }
});
