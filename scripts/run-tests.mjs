#!/usr/bin/env node
// Runs every test/**/*.test.ts(x) with node's test runner (through tsx), prints the
// spec report, then one closing line "N passed, N failed, N skipped".
//
//   npm test                      the whole suite
//   npm test -- test/traffic      narrowed to files or folders
//   npm run test:quick            only the quick lane: no real rollouts, browsers or containers
//   npm test -- --jobs 1          one file at a time (ROLLCHECK_TEST_JOBS=1 too)
//   npm test -- --record          also rewrite scripts/test-durations.json from this run
//   npm test -- --from-source     each file through tsx from the .ts sources (ROLLCHECK_TEST_FROM_SOURCE=1 too)
//   npm test -- --plan            run nothing: play the schedule with the recorded durations, print the predicted wall time and critical path
//   npm test -- --no-batch        every quick file in a process of its own (ROLLCHECK_TEST_BATCH=0 too)
//
// The files run from a JavaScript copy of the tree made at the start (scripts/test-tree.mjs:
// esbuild, the transform tsx applies, once for all files), unless --from-source.
// Each file runs in a node child of its own (the file itself, with node:test's reporters
// named on the command line: no `node --test` process above it), but quick files, which
// run in batches of several to a child (scripts/test-batch.mjs), each file a suite of its
// own, counted by file; several children at once, longest first
// (by scripts/test-durations.json, which also holds each file's CPU share). First the
// serial lane: `// test-lane: alone` files with nothing beside them, then files marked
// `// test-lane: serial` one at a time with only light files beside them; then the
// pool, as many as the cores' CPU budget holds by the files' shares (up to --jobs),
// where files marked `// test-lane: heavy` never run two at once (scripts/test-lanes.mjs).
// Each file's CPU time (its own and its children's) is printed beside its wall time.
// A file's output is held and printed whole when it ends, so reports never interleave.
// Each file gets a temp dir of its own (TMPDIR): whatever is left in it when the
// file ends is litter from a test or a library call, listed and counted as a failure.
import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir, userInfo } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { BEHIND_MARK, batchQuick, collectTestFiles, nextToStart, planRun, readDurations, simulateRun, writeDurations } from './test-lanes.mjs';
import { buildTestTree, runsFromSource, treePath } from './test-tree.mjs';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const CPU_PRELOAD = new URL('./test-cpu.mjs', import.meta.url).href;
const LINGER_PRELOAD = new URL('./test-linger.mjs', import.meta.url).href;
const BATCH_ENTRY = new URL('./test-batch.mjs', import.meta.url).pathname;
const BATCH_REPORTER = new URL('./test-batch-reporter.mjs', import.meta.url).href;
// A file that runs longer than this is stopped (SIGTERM, then SIGKILL) and fails. Run as the
// file itself, node applies no default timeout to its tests: a test that needs one sets its own.
// The longest file takes ~90 s alone; each of its tests used to have 180 s under `node --test`.
// A file with a test that allows itself longer (`timeout: N`) gets that and a minute more.
const TIMEOUT_MS = 300_000;
const KILL_AFTER_MS = 10_000;
// --plan: a file with no recorded duration is taken as this long (as planRun orders it).
const UNKNOWN_PLAN_MS = 30_000;

function parseArgs(argv) {
  const opts = { quick: false, record: false, plan: false, batch: process.env.ROLLCHECK_TEST_BATCH !== '0', fromSource: process.env.ROLLCHECK_TEST_FROM_SOURCE === '1', jobs: Number(process.env.ROLLCHECK_TEST_JOBS) || defaultJobs(), roots: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--record') opts.record = true;
    else if (a === '--plan') opts.plan = true;
    else if (a === '--no-batch') opts.batch = false;
    else if (a === '--from-source') opts.fromSource = true;
    else if (a === '--jobs' || a.startsWith('--jobs=')) {
      const v = a === '--jobs' ? argv[++i] : a.slice('--jobs='.length);
      opts.jobs = Number(v);
      if (!Number.isInteger(opts.jobs) || opts.jobs < 1) usage(`--jobs wants a whole number of at least 1, not "${v}"`);
    } else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else opts.roots.push(a);
  }
  return opts;
}

// Most test files wait on real time (traffic phases, grace periods, probes): the slow
// ones use 10-40% of a core over their run (the CPU figure each report prints). What
// bounds a run is the CPU the files running at once use by their recorded shares
// (CPU_BUDGET in test-lanes.mjs); --jobs only caps how many run at once.
// At cores × 4 (8 here), before the serial lane and the heavy files were fenced, 8
// rollout files ran together and a fresh-clone CI run had 6 of them come out
// inconclusive (the generator starved by its neighbours' bursts). With the fences, the
// files' wall time summed is ~1 800 s against ~530 s of CPU: at cores + 2 (4) the
// suite took 533 s with the cores half idle, at cores + 4 (6) 392 s. Runs that still
// come out inconclusive with the generator behind are counted at the end (BEHIND_MARK).
function defaultJobs() {
  return availableParallelism() + 4;
}

function usage(message) {
  console.error(`run-tests: ${message}; usage: node scripts/run-tests.mjs [--quick] [--jobs N] [--record] [--plan] [--no-batch] [--from-source] [file|folder…]`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const found = (opts.roots.length ? opts.roots : ['test']).flatMap((r) => collectTestFiles(resolve(r)));
const durations = readDurations();
const plan = planRun(ROOT, found, durations);
if (opts.quick) {
  plan.serial = [];
  plan.pool = plan.pool.filter((f) => plan.lanes.get(f) === 'quick');
}
if (plan.serial.length + plan.pool.length === 0) {
  console.error('no test files found under ' + (opts.roots.join(' ') || 'test/'));
  process.exit(1);
}
// Batches run from the JavaScript tree only; a file marked test-from-source keeps its own process.
const batches = opts.batch && !opts.fromSource ? batchQuick(ROOT, plan, durations, (f) => !runsFromSource(f)) : new Map();

if (opts.plan) {
  printPlan();
  process.exit(0);
}

/** printPlan prints the schedule simulateRun predicts from the recorded durations: wall time, CPU, how busy the cores are, the critical path. */
function printPlan() {
  const rel = (f) => relative(ROOT, f);
  const wallMsOf = (f) => (batches.has(f) ? plan.expectedMs.get(f) : (durations[rel(f)]?.wallMs ?? UNKNOWN_PLAN_MS));
  const sim = simulateRun(plan, opts.jobs, availableParallelism(), wallMsOf);
  const files = [...sim.spans.keys()].flatMap((f) => batches.get(f) ?? [f]);
  const cpuS = files.reduce((sum, f) => sum + (durations[rel(f)]?.cpuS ?? (plan.shares.get(f) * wallMsOf(f)) / 1000), 0);
  const unknown = files.filter((f) => durations[rel(f)] === undefined);
  const cores = availableParallelism();
  console.log(`plan: ${files.length} file(s) (${batches.size} batch(es) of quick ones), ${opts.jobs} at a time on ${cores} cores: predicted wall ${(sim.wallMs / 1000).toFixed(0)} s, CPU ${cpuS.toFixed(0)} s (cores ${((100 * cpuS) / ((cores * sim.wallMs) / 1000)).toFixed(0)}% busy)`);
  // Each file takes its recorded time whatever runs beside it: above 100% busy, the files would stretch each other.
  console.log(`plan: no schedule beats ${(cpuS / cores).toFixed(0)} s of CPU on ${cores} cores, nor ${(plan.serial.reduce((sum, f) => sum + wallMsOf(f), 0) / 1000).toFixed(0)} s of serial and alone files one after another`);
  if (unknown.length > 0) console.log(`plan: ${unknown.length} file(s) with no recorded duration, taken as ${UNKNOWN_PLAN_MS / 1000} s: ${unknown.map(rel).join(' ')}`);
  console.log('critical path (each file started when the one before it ended):');
  for (const f of sim.criticalPath) {
    const s = sim.spans.get(f);
    const name = batches.has(f) ? `${f} (${batches.get(f).length} files)` : rel(f);
    console.log(`  ${(s.startMs / 1000).toFixed(0).padStart(5)}–${(s.endMs / 1000).toFixed(0).padEnd(5)} s  ${plan.lanes.get(f).padEnd(6)} ${name}`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'rollcheck-tests-'));
// Like /tmp: tests that run a step as an unprivileged user need to reach and use it.
chmodSync(dir, 0o755);
// tsx keeps its compile cache in $TMPDIR/tsx-<uid> (keyed by content): every file's temp
// dir links to the one it uses outside the tests, so a rerun does not compile again.
const tsxCache = join(tmpdir(), `tsx-${userInfo().uid}`);
mkdirSync(tsxCache, { recursive: true });
let nextId = 0;
// The JavaScript tree the files run from, or undefined to run the sources through tsx.
const tree = opts.fromSource ? undefined : join(dir, 'tree');
if (tree) {
  try {
    buildTestTree(ROOT, tree);
  } catch (e) {
    // A syntax error anywhere stops the transform for every file: say so in one place, with the way round it.
    rmSync(dir, { recursive: true, force: true });
    console.error(`run-tests: ${e instanceof Error ? e.message : String(e)}\nrun-tests: fix that, or run the sources through tsx with --from-source`);
    process.exit(1);
  }
}

/**
 * runFile runs one test file, or a batch of quick ones (`batch:N`), in a node child of its own;
 * resolves with its counts and held output (a batch's also by file, from test-batch-reporter.mjs).
 * Not under `node --test`: that is a second node process per file (~0.17 s of CPU each, the
 * reports passed up serialized), and it runs each file in a child anyway.
 */
function runFile(file) {
  const id = nextId++;
  const tmp = join(dir, `tmp-${id}`);
  mkdirSync(tmp);
  chmodSync(tmp, 0o1777);
  symlinkSync(tsxCache, join(tmp, `tsx-${userInfo().uid}`));
  const tap = join(dir, `${id}.tap`);
  const cpuOut = join(dir, `${id}.cpu`);
  const members = batches.get(file);
  const byFile = join(dir, `${id}.files`);
  const fromTree = tree !== undefined && (members !== undefined || !runsFromSource(file));
  const args = [
    ...(fromTree ? [] : ['--import', 'tsx']),
    '--import', CPU_PRELOAD,
    '--import', LINGER_PRELOAD,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...(members ? [`--test-reporter=${BATCH_REPORTER}`, `--test-reporter-destination=${byFile}`, BATCH_ENTRY, ...members.flatMap((f) => [relative(ROOT, f), treePath(ROOT, tree, f)])] : []),
    ...(members ? [] : [fromTree ? treePath(ROOT, tree, file) : file]),
  ];
  const startedMs = Date.now();
  const timeoutMs = members ? TIMEOUT_MS : fileTimeoutMs(file);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp, ROLLCHECK_TEST_CPU_OUT: cpuOut, ROLLCHECK_TEST_TIMEOUT_MS: String(timeoutMs) } });
  running.add(child);
  let timedOut = false;
  const stop = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS).unref();
  }, timeoutMs);
  const chunks = [];
  child.stdout.on('data', (c) => chunks.push(c));
  child.stderr.on('data', (c) => chunks.push(c));
  return new Promise((done) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      clearTimeout(stop);
      const counts = readCounts(tap);
      // tsx's compile cache (tsx-<uid>) is the runner's own, not a test's.
      const litter = readdirSync(tmp).filter((name) => !/^tsx-\d+$/.test(name));
      rmSync(tmp, { recursive: true, force: true });
      const problems = [];
      if (litter.length > 0) problems.push(`left ${litter.length} entr${litter.length === 1 ? 'y' : 'ies'} in its temp dir: ${litter.slice(0, 10).join(', ')}${litter.length > 10 ? ', …' : ''}`);
      if (timedOut) problems.push(`stopped after ${timeoutMs / 1000} s`);
      if (counts === undefined) problems.push('wrote no test report');
      if ((code !== 0 || signal) && (counts?.fail ?? 0) === 0) problems.push(`exited with ${signal ?? `code ${code}`}`);
      const perFile = members ? readByFile(byFile) : undefined;
      // A test the batch reporter saw outside every file's suite: its file cannot be named, and its count would be lost.
      const stray = [...(perFile?.keys() ?? [])].filter((name) => !members.some((f) => relative(ROOT, f) === name));
      if (stray.length > 0) problems.push(`ran tests outside their file's suite: ${stray.join(', ')}`);
      done({ file, members, perFile, atS: (startedMs - suiteStartedMs) / 1000, ms: Date.now() - startedMs, cpuS: readCpu(cpuOut), counts: counts ?? { pass: 0, fail: 0, skip: 0 }, problems, output: Buffer.concat(chunks).toString() });
    });
  });
}

/** fileTimeoutMs is how long `file` may run: TIMEOUT_MS, or a minute more than the longest `timeout: N` one of its tests sets. */
function fileTimeoutMs(file) {
  const own = [...readFileSync(file, 'utf8').matchAll(/\btimeout: ([\d_]+)/g)].map((m) => Number(m[1].replaceAll('_', '')));
  return Math.max(TIMEOUT_MS, ...own.map((ms) => ms + 60_000));
}

/** readByFile reads a batch's counts by file (test-batch-reporter.mjs), keyed by path from the repo root. */
function readByFile(path) {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // No line for any file: each is reported as having written no report.
  }
  return new Map(text.split('\n').filter(Boolean).map((line) => JSON.parse(line)).map((r) => [r.file, r]));
}

/** readCpu reads the CPU seconds scripts/test-cpu.mjs wrote for a file, or undefined. */
function readCpu(path) {
  try {
    const s = Number(readFileSync(path, 'utf8'));
    return Number.isFinite(s) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** readCounts reads the closing `# pass N` … lines of a TAP report, or undefined when there is none. */
function readCounts(tap) {
  let text;
  try {
    text = readFileSync(tap, 'utf8');
  } catch {
    return undefined;
  }
  const grab = (name) => Number((text.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? NaN);
  if (Number.isNaN(grab('pass'))) return undefined;
  return { pass: grab('pass'), fail: grab('fail') + grab('cancelled'), skip: grab('skipped') + grab('todo') };
}

// The spec reporter closes each file with its own totals: the runner prints one total for all.
const SPEC_TOTALS = /^ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+\n/gm;

const totals = { pass: 0, fail: 0, skip: 0 };
const failed = [];
// file (or batch) → how many of its runs were accepted as inconclusive with the generator behind (BEHIND_MARK lines).
const behindBy = new Map();
const measured = new Map();
let cpuTotalS = 0;
function report(r) {
  cpuTotalS += r.cpuS ?? 0;
  totals.pass += r.counts.pass;
  totals.fail += r.counts.fail + (r.problems.length > 0 ? 1 : 0);
  totals.skip += r.counts.skip;
  const name = r.members ? `${r.file}: ${r.members.length} quick files in one process` : relative(ROOT, r.file);
  const bad = r.counts.fail > 0 || r.problems.length > 0;
  if (r.members) reportMembers(r);
  else {
    measured.set(r.file, { wallMs: r.ms, cpuS: r.cpuS });
    if (bad) failed.push(name);
  }
  const behind = r.output.split('\n').filter((l) => l.startsWith(BEHIND_MARK)).length;
  if (behind > 0) behindBy.set(name, behind);
  const body = r.output.replace(SPEC_TOTALS, '').trimEnd();
  const cpu = r.cpuS === undefined ? '' : `, CPU ${r.cpuS.toFixed(1)} s`;
  // Where it started in the run: what ran beside a file that failed can be read from the others' spans.
  console.log(`\n${bad ? '✖' : '▶'} ${name} (${(r.ms / 1000).toFixed(1)} s${cpu}, from ${r.atS.toFixed(0)} s)`);
  if (body) console.log(body);
  for (const line of r.memberLines ?? []) console.log(line);
  for (const p of r.problems) console.log(`✖ ${name} ${p}${r.members ? ` (one of: ${r.members.map((f) => relative(ROOT, f)).join(', ')})` : ''}`);
}

// reportMembers books a batch by file: its pass/fail, and its part of the batch's wall time and CPU by the time its tests took
// (the batch's own start and module loads shared out the same way, so the plan sees the batch whole).
function reportMembers(r) {
  const lines = r.members.map((f) => [f, r.perFile.get(relative(ROOT, f))]);
  const inFilesMs = lines.reduce((sum, [, l]) => sum + (l?.ms ?? 0), 0);
  const part = (l) => (inFilesMs > 0 ? l.ms / inFilesMs : 1 / lines.length);
  r.memberLines = [];
  for (const [f, l] of lines) {
    const rel = relative(ROOT, f);
    if (l !== undefined) measured.set(f, { wallMs: r.ms * part(l), cpuS: r.cpuS === undefined ? undefined : r.cpuS * part(l) });
    const bad = l === undefined || l.fail > 0 || r.problems.length > 0;
    if (bad) failed.push(rel);
    const what = l === undefined ? 'wrote no test report' : `${l.pass} passed${l.fail ? `, ${l.fail} failed` : ''}${l.skip ? `, ${l.skip} skipped` : ''}`;
    r.memberLines.push(`  ${bad ? '✖' : '▶'} ${rel} (${l === undefined ? '?' : (l.ms / 1000).toFixed(1)} s: ${what})`);
  }
}

const running = new Set();
let stopping = false;
// The files' start offsets count from here (the test tree is already built).
const suiteStartedMs = Date.now();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${sig}: stopping; waiting for the ${running.size} running file(s) to end`);
    for (const child of running) child.kill(sig);
  });
}

/** runAll runs the plan's files as nextToStart allows (lanes, CPU shares), up to `jobs` at a time. */
function runAll(jobs) {
  const queues = { serial: [...plan.serial], pool: [...plan.pool] };
  const inFlight = new Map();
  return new Promise((done) => {
    const next = () => {
      while (!stopping) {
        const file = nextToStart(plan, queues, [...inFlight.values()], jobs, availableParallelism());
        if (file === undefined) break;
        const job = runFile(file).then((r) => {
          report(r);
          inFlight.delete(job);
          next();
        });
        inFlight.set(job, file);
      }
      if (inFlight.size === 0) done();
    };
    next();
  });
}

await runAll(opts.jobs);
rmSync(dir, { recursive: true, force: true });

const wallS = ((Date.now() - suiteStartedMs) / 1000).toFixed(1);
const ran = measured.size;
console.log(`\n${ran} file(s) in ${wallS} s (CPU ${cpuTotalS.toFixed(1)} s), ${opts.jobs} at a time (${plan.serial.length} serial)${stopping ? ', stopped early' : ''}`);
if (behindBy.size > 0) {
  const n = [...behindBy.values()].reduce((a, b) => a + b, 0);
  console.log(`⚠ ${n} check(s) given up because the generator fell behind (an exit 3 accepted where a pass was due, or a schedule check skipped): ${[...behindBy].map(([f, k]) => `${f}${k > 1 ? ` ×${k}` : ''}`).join(' ')}`);
}
if (failed.length > 0) console.log(`✖ failing: ${failed.join(' ')}`);
if (opts.record && !stopping) {
  writeDurations(ROOT, measured);
  console.log(`recorded ${ran} duration(s) in scripts/test-durations.json`);
}
console.log(`\n${totals.pass} passed, ${totals.fail} failed, ${totals.skip} skipped`);
process.exit(failed.length > 0 || stopping ? 1 : 0);
