// No import circle inside src/analysis/: the real import graph of its files
// (every `import`, `import type`, `export … from` and `import()`, as the
// TypeScript compiler reads them) must have no cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../..');

/** importGraph maps each .ts file under `dir` to the files under `dir` it imports. */
function importGraph(dir: string): Map<string, string[]> {
  const files = listTs(dir);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(readFileSync(file, 'utf8'))
      .map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'))
      .filter((t) => known.has(t));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** importsOf lists the relative modules a source file imports, in any form, as the compiler reads them. */
function importsOf(source: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((s) => s.startsWith('.'));
}

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** findCycles lists each import circle once (as the files around it), by depth-first search. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    seen.add(node);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!seen.has(next)) visit(next);
      else if (!done.has(next)) cycles.push(stack.slice(stack.indexOf(next)));
    }
    stack.pop();
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) if (!seen.has(node)) visit(node);
  return cycles;
}

test('findCycles finds a planted circle and passes a tree', () => {
  const circle = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
  assert.deepEqual(findCycles(circle), [['a', 'b', 'c']]);
  assert.deepEqual(findCycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), []);
});

test('importsOf reads import, import type, export from and import() alike', () => {
  const planted = [
    "import { a } from './a.js';",
    "import type { B } from './b.js';",
    "export { c } from './c.js';",
    'export async function d(): Promise<unknown> {',
    "  return import('./d.js');",
    '}',
    "import { readFileSync } from 'node:fs';",
    "// import { e } from './e.js';",
  ].join('\n');
  assert.deepEqual(importsOf(planted), ['./a.js', './b.js', './c.js', './d.js']);
});

test('importGraph holds the real imports of src/analysis/', () => {
  const graph = importGraph(join(ROOT, 'src/analysis'));
  const at = (name: string) => (graph.get(join(ROOT, 'src/analysis', name)) ?? []).map((f) => relative(join(ROOT, 'src/analysis'), f));
  // index.ts re-exports pod-timeline.js with `export … from` and imports attribution.js.
  assert.ok(at('index.ts').includes('pod-timeline.ts'), JSON.stringify(at('index.ts')));
  assert.ok(at('index.ts').includes('attribution.ts'));
  // finding-kit.ts imports termination.ts for a type only.
  assert.ok(at('finding-kit.ts').includes('termination.ts'), JSON.stringify(at('finding-kit.ts')));
});

test('no import circle inside src/analysis/', () => {
  const dir = join(ROOT, 'src/analysis');
  const cycles = findCycles(importGraph(dir)).map((c) => [...c, c[0]].map((f) => relative(dir, f ?? '')).join(' → '));
  assert.deepEqual(cycles, [], `import circles in src/analysis/:\n${cycles.join('\n')}`);
});
