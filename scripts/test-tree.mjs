// The tree the test files run from (scripts/run-tests.mjs): the repository's TypeScript
// (src/, test/, bench/, scripts/) transpiled to JavaScript once per run by esbuild, the
// transform tsx applies file by file, so each `node --test` child loads plain modules.
// Through tsx every child paid ~1.5 s of CPU to load src/ (its loader hooks run on a
// thread of their own and answer each import by message), and every rollcheck it
// started (runner pods, workers) paid it again: over the suite, a quarter of its CPU.
//
// Same layout as the repository, so paths a test makes from import.meta.url still
// land: each .ts/.tsx file becomes a .js file beside a copy of the original (a test
// that reads a source, or starts `node --import tsx` on a fixture, still finds it);
// every other file under those folders, and every other top-level entry (manifests/,
// dist/, node_modules/, package.json, …), is a link to the real one. The report
// pages' scripts are bundled as `npm run build` bundles them (src/report/client/),
// because the code running as JavaScript reads the bundle, as the built CLI does.
//
// A file that checks how rollcheck behaves run from its .ts sources (the report page
// bundled on first use, tsx in worker threads) says so near its top, and runs
// through tsx from the sources as before:
//   // test-from-source: <why>
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

// The folders holding TypeScript; everything else at the top is linked whole.
const TS_ROOTS = ['src', 'test', 'bench', 'scripts'];
const TS_FILE = /\.tsx?$/;
const NEVER = new Set(['.git']);

/** buildTestTree writes the JavaScript tree of `root` into `into` (a fresh folder); returns how many files it transpiled. */
export function buildTestTree(root, into) {
  mkdirSync(into, { recursive: true });
  const sources = [];
  for (const name of readdirSync(root)) {
    if (NEVER.has(name)) continue;
    if (TS_ROOTS.includes(name)) mirror(join(root, name), join(into, name), sources);
    else symlinkSync(join(root, name), join(into, name));
  }
  const esbuild = esbuildBin(root);
  transpile(esbuild, root, into, sources);
  bundleReportPages(esbuild, root, into);
  return { files: sources.length };
}

// mirror links every file under `from` into `to` (folders made, not linked) and collects the TypeScript sources.
function mirror(from, to, sources) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const path = join(from, entry.name);
    if (entry.isDirectory()) {
      mirror(path, join(to, entry.name), sources);
      continue;
    }
    if (!TS_FILE.test(entry.name) || /\.d\.m?ts$/.test(entry.name)) {
      symlinkSync(path, join(to, entry.name));
      continue;
    }
    // A copy, not a link: a script started as `node --import tsx <tree>/x.ts` compares its own URL with its argv.
    copyFileSync(path, join(to, entry.name));
    // The .js written beside it must not be a link: esbuild would write through it into the repository.
    const js = entry.name.replace(TS_FILE, '.js');
    if (existsSync(join(from, js))) throw new Error(`${join(from, js)} and its TypeScript source both exist; the test tree needs one`);
    sources.push(path);
  }
}

function esbuildBin(root) {
  const require = createRequire(join(root, 'package.json'));
  return require.resolve(`@esbuild/${process.platform}-${process.arch}/bin/esbuild`);
}

// transpile runs esbuild once over every source: one .js beside each, options from tsconfig.json as tsx reads them.
function transpile(esbuild, root, into, sources) {
  const r = spawnSync(
    esbuild,
    [
      ...sources.map((f) => relative(root, f)),
      `--outdir=${into}`,
      `--outbase=${root}`,
      '--format=esm',
      '--platform=node',
      '--target=node20',
      // Node 20.10+ reads `import … with { type: 'json' }`; esbuild's node20 table says it cannot and would drop it.
      '--supported:import-attributes=true',
      '--log-level=error',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  if (r.error || r.status !== 0) throw new Error(`esbuild could not transpile the tests: ${r.error?.message ?? r.stderr.trim()}`);
}

// bundleReportPages writes each report page's script (src/report/client/*-page.ts) as `npm run build` does.
function bundleReportPages(esbuild, root, into) {
  const dir = join('src', 'report', 'client');
  for (const name of readdirSync(join(root, dir)).filter((n) => /-page\.ts$/.test(n))) {
    const r = spawnSync(
      esbuild,
      [
        join(dir, name),
        `--tsconfig=${join(dir, 'tsconfig.json')}`,
        '--bundle', '--format=iife', '--platform=browser', '--target=es2020', '--charset=utf8', '--legal-comments=none', '--log-level=error',
        `--outfile=${join(into, dir, name.replace(TS_FILE, '.js'))}`,
        '--allow-overwrite',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    if (r.error || r.status !== 0) throw new Error(`esbuild could not bundle ${name}: ${r.error?.message ?? r.stderr.trim()}`);
  }
}

/** treePath is where `file` (a .ts/.tsx path under `root`) runs from in the tree at `into`. */
export function treePath(root, into, file) {
  return join(into, relative(root, file)).replace(TS_FILE, '.js');
}

/** runsFromSource tells whether a test file carries the `// test-from-source:` marker (it runs through tsx, not from the tree). */
export function runsFromSource(file) {
  return /^\/\/ test-from-source: /m.test(readFileSync(file, 'utf8').slice(0, 4000));
}
