// The tree the test files run from (scripts/test-tree.mjs), built from a small repository
// of its own: TypeScript becomes JavaScript plain Node loads, the sources stay beside it
// as copies, every other file is a link to the real one, the report pages are bundled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildTestTree, runsFromSource, treePath } from '../../scripts/test-tree.mjs';
import { REPO_ROOT } from '../helpers/built-cli.js';

type T = { after(fn: () => void): void };

// repo writes `files` (path → text) into a fresh folder with the checkout's node_modules (where esbuild is).
function repo(t: T, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rollcheck-tree-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  for (const [path, text] of Object.entries({ 'package.json': '{"type":"module"}\n', ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const FILES = {
  'README.md': 'top-level file\n',
  '.git/HEAD': 'ref: refs/heads/main\n',
  'src/b.ts': 'export const b: number = 41;\n',
  'src/a.ts': "import { b } from './b.js';\nimport data from './data.json' with { type: 'json' };\nexport const a: number = b + data.one;\n",
  'src/data.json': '{"one":1}\n',
  'src/report/client/tsconfig.json': '{}\n',
  'src/report/client/title.ts': "export const title = (n: number): string => `n=${n}`;\n",
  'src/report/client/x-page.ts': "import { title } from './title.js';\ndocument.title = title(1);\n",
  'test/main.ts': "if (import.meta.url === `file://${process.argv[1]}`) console.log('main ran');\n",
  'test/fixture.txt': 'a fixture\n',
  'test/view.tsx': 'export const View = (): unknown => <b>hi</b>;\n',
};

test('buildTestTree: .ts becomes JavaScript plain node loads (JSON attributes kept), sources copied beside it, other files linked, .git left out', async (t) => {
  const root = repo(t, FILES);
  const into = join(root, '..', `${root.split('/').at(-1)}-tree`);
  t.after(() => rmSync(into, { recursive: true, force: true }));
  assert.equal(buildTestTree(root, into).files, 6);
  const mod = (await import(join(into, 'src', 'a.js'))) as { a: number };
  assert.equal(mod.a, 42);
  assert.equal(lstatSync(join(into, 'src', 'a.ts')).isSymbolicLink(), false, 'a copy');
  assert.equal(readFileSync(join(into, 'src', 'a.ts'), 'utf8'), FILES['src/a.ts']);
  for (const linked of ['README.md', 'node_modules', 'src/data.json', 'test/fixture.txt']) {
    assert.equal(readlinkSync(join(into, linked)), join(root, linked), `${linked} links to the real one`);
  }
  assert.equal(existsSync(join(into, '.git')), false);
  assert.ok(existsSync(join(into, 'test', 'view.js')), 'a .tsx file becomes .js');
  // A script started by path as `node <tree>/x.ts` sees its own URL in argv (a link would resolve elsewhere).
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(into, 'test', 'main.ts')], { encoding: 'utf8', cwd: REPO_ROOT });
  assert.equal(out.trim(), 'main ran');
});

test('buildTestTree: a report page is one bundled browser script; other client modules stay modules', (t) => {
  const root = repo(t, FILES);
  const into = `${root}-tree`;
  t.after(() => rmSync(into, { recursive: true, force: true }));
  buildTestTree(root, into);
  const page = readFileSync(join(into, 'src', 'report', 'client', 'x-page.js'), 'utf8');
  assert.match(page, /\(\(\) => \{/);
  assert.doesNotMatch(page, /^\s*(import|export)\b/m);
  assert.match(page, /n=\$\{n\}/, 'its imports are inside');
  assert.match(readFileSync(join(into, 'src', 'report', 'client', 'title.js'), 'utf8'), /^export \{\s*title\s*\};/m);
});

test('buildTestTree refuses a .js beside its own .ts (esbuild would write through the link into the repository)', (t) => {
  const root = repo(t, { ...FILES, 'src/c.ts': 'export const c = 1;\n', 'src/c.js': 'export const c = 2;\n' });
  const into = `${root}-tree`;
  t.after(() => rmSync(into, { recursive: true, force: true }));
  assert.throws(() => buildTestTree(root, into), /src\/c\.js and its TypeScript source both exist/);
  assert.equal(readFileSync(join(root, 'src', 'c.js'), 'utf8'), 'export const c = 2;\n');
});

test('treePath maps a .ts or .tsx test file into the tree as .js; runsFromSource reads the marker', (t) => {
  assert.equal(treePath('/r', '/t', '/r/test/a/x.test.ts'), '/t/test/a/x.test.js');
  assert.equal(treePath('/r', '/t', '/r/test/y.test.tsx'), '/t/test/y.test.js');
  const root = repo(t, {
    'test/marked.test.ts': '// test-lane: slow: x\n// test-from-source: worker threads through tsx\nimport "node:test";\n',
    'test/plain.test.ts': '// test-lane: slow: x\nimport "node:test";\n// test-from-source is only a marker on a line of its own at the start\n',
  });
  assert.equal(runsFromSource(join(root, 'test', 'marked.test.ts')), true);
  assert.equal(runsFromSource(join(root, 'test', 'plain.test.ts')), false);
});
