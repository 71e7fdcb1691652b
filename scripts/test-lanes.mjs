// Which lane each test file runs in, and how long it took last time: the plan
// that scripts/run-tests.mjs follows.
//
// A test file names its lane in a comment of its own, near the top:
//   // test-lane: alone: <why>    runs with nothing beside it (it measures the machine's own
//                                  timing: event-loop lag, timer precision), not in test:quick
//   // test-lane: serial: <why>   runs one at a time with no other serial file beside it (heavy
//                                  load, timing-sensitive, rollouts whose verdicts need the
//                                  cores); only light files beside it (COMPANION_CORES of CPU
//                                  between them, a heavy one among them, or one quick file),
//                                  not in test:quick
//   // test-lane: heavy: <why>    runs beside lighter files but never beside another heavy
//                                  one (rollouts whose verdicts need the cores), not in test:quick
//   // test-lane: slow: <why>     runs beside others, but not in test:quick (real
//                                  rollouts, browsers, containers, long traffic phases)
// A file without a marker is quick: pure and fast, in both `npm test` and `npm run test:quick`.
// A file may also name a group, whose files never run two at once, whatever their lanes:
//   // test-group: <name>: <why>   (podman: containers whose runtime the files share)
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** LANES are the markers a test file may carry, in `// test-lane: <lane>: <why>`. */
export const LANES = ['alone', 'serial', 'heavy', 'slow'];

/** DURATIONS_FILE keeps each file's wall time and CPU seconds from a full run (`npm test -- --record`; a batched quick file's are its part of its batch's): the order and the CPU shares. */
export const DURATIONS_FILE = new URL('./test-durations.json', import.meta.url);

// The lanes whose files run one at a time, before the pool.
const SERIAL_LANES = ['alone', 'serial'];

// A file with no recorded duration yet: assume it is long, so it starts early.
const UNKNOWN_MS = 30_000;

/** collectTestFiles lists every *.test.ts(x) under `path` (a file or a folder), sorted. */
export function collectTestFiles(path, out = []) {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) collectTestFiles(join(path, name), out);
  } else if (/\.test\.tsx?$/.test(path)) {
    out.push(path);
  }
  return out;
}

/** laneOf reads the `// test-lane:` marker of a test file: 'alone', 'serial', 'heavy', 'slow' or 'quick'. */
export function laneOf(file) {
  const lane = markerOf(file, 'lane');
  if (lane === undefined) return 'quick';
  if (!LANES.includes(lane)) throw new Error(`${file}: unknown test-lane "${lane}" (one of: ${LANES.join(', ')})`);
  return lane;
}

/** groupOf reads the `// test-group:` marker of a test file: its group's name, or undefined. */
export function groupOf(file) {
  return markerOf(file, 'group');
}

// markerOf reads `// test-<name>: <value>` from the head of a test file.
function markerOf(file, name) {
  return readFileSync(file, 'utf8').slice(0, 4000).match(new RegExp(`^// test-${name}: ([\\w-]+)`, 'm'))?.[1];
}

/**
 * readDurations loads each file's last full run (keyed by path from the repo root): its wall
 * time and the CPU seconds it used (`{ wallMs, cpuS }`; an older file holds the wall time alone).
 */
export function readDurations() {
  let raw;
  try {
    raw = JSON.parse(readFileSync(DURATIONS_FILE, 'utf8'));
  } catch {
    return {};
  }
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'number' ? { wallMs: v } : v]));
}

/** writeDurations records this run's wall times and CPU seconds (`measured`: file → { wallMs, cpuS }) over the previous ones, sorted by path; files gone from the tree drop out. */
export function writeDurations(root, measured) {
  const all = Object.fromEntries(Object.entries(readDurations()).filter(([k]) => existsSync(join(root, k))));
  for (const [file, m] of measured) {
    all[relative(root, file)] = { wallMs: Math.round(m.wallMs), ...(m.cpuS !== undefined ? { cpuS: Math.round(m.cpuS * 10) / 10 } : {}) };
  }
  // One file a line, sorted by path: a rerun's diff shows which files changed.
  const lines = Object.keys(all).sort().map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(all[k])}`);
  writeFileSync(DURATIONS_FILE, `{\n${lines.join(',\n')}\n}\n`);
}

/**
 * BEHIND_MARK starts the line a test writes to stderr when it accepts a run that the
 * generator's lag left inconclusive (test/helpers/traffic-command.ts: judgeExit,
 * judgeDemoExit): the runner counts these lines and names their files at the end, so the
 * verdicts a busy run could not judge are on the record, not silent.
 */
export const BEHIND_MARK = 'rollcheck-test: generator behind:';

/**
 * CPU_BUDGET is how many cores the files running at once may keep busy between them, by
 * their recorded CPU share (CPU seconds / wall seconds of their last run), as a share of the
 * machine's cores: most files wait on real time (traffic phases, grace periods), so several
 * fit, and two CPU-heavy ones do not run together.
 */
export const CPU_BUDGET = 1;

/**
 * COMPANION_CORES is the CPU the files beside a `serial` one may use between them, in cores:
 * the serial file keeps the other core (2 here). One quick file may always run beside it.
 * At 0.5 the serial lane (~220 s) ran beside about one rollout file and the pool's work
 * waited for it to end: a strict run took 533 s at 4 jobs; at 1 (and cores + 4 jobs) 392 s,
 * with no serial file failing.
 */
export const COMPANION_CORES = 1;

// A file's CPU share when none was recorded: about what a rollout test uses.
const UNKNOWN_SHARE = 0.3;

/** shareOf is the cores a file kept busy on average in its last run (its CPU seconds over its wall time), 0.05..1. */
export function shareOf(d) {
  if (d === undefined || d.cpuS === undefined || !(d.wallMs > 0)) return UNKNOWN_SHARE;
  return Math.min(1, Math.max(0.05, d.cpuS / (d.wallMs / 1000)));
}

/**
 * planRun splits the files into the serial lane (`alone` files first, then `serial`
 * ones) and the concurrent pool, each longest-first by recorded duration, with each
 * file's lane, CPU share and expected wall time.
 */
export function planRun(root, files, durations) {
  const recorded = (f) => durations[relative(root, f)];
  const expected = (f) => recorded(f)?.wallMs ?? UNKNOWN_MS;
  const longestFirst = (a, b) => expected(b) - expected(a);
  const lanes = new Map(files.map((file) => [file, laneOf(file)]));
  const of = (lane) => files.filter((f) => lanes.get(f) === lane).sort(longestFirst);
  return {
    // The alone files first: at the start nothing runs yet, so none waits for the machine to empty.
    serial: [...of('alone'), ...of('serial')],
    pool: files.filter((f) => !SERIAL_LANES.includes(lanes.get(f))).sort(longestFirst),
    lanes,
    groups: new Map(files.flatMap((f) => {
      const group = groupOf(f);
      return group === undefined ? [] : [[f, group]];
    })),
    shares: new Map(files.map((f) => [f, shareOf(recorded(f))])),
    expectedMs: new Map(files.map((f) => [f, expected(f)])),
  };
}

/**
 * nextToStart takes from `queues` (the plan's `serial` and `pool` lists, in order) the
 * file to start now beside `running` (the files running), or undefined when none may:
 * - the serial lane first, one file at a time: an `alone` file with nothing beside it, a
 *   `serial` one with no other serial file and at most COMPANION_CORES of CPU (or one quick
 *   file) beside it, a heavy one among them (what a serial file needs is CPU: a heavy file
 *   uses less of it than the slow rollouts that may be beside it too, and the heavy file
 *   itself has more of the cores there than in the pool);
 * - then the pool, never two `heavy` files at once, while the running files' CPU shares
 *   stay within CPU_BUDGET of the `cores` (a file alone always starts), `jobs` at most.
 * Never two files of one `test-group` at once, in any lane.
 * Longest first: the first file in its queue that fits starts.
 */
export function nextToStart(plan, queues, running, jobs, cores) {
  if (running.length >= jobs) return undefined;
  const lane = (f) => plan.lanes.get(f);
  const share = (f) => plan.shares.get(f) ?? UNKNOWN_SHARE;
  const cpu = running.reduce((sum, f) => sum + share(f), 0);
  const serialRunning = running.find((f) => SERIAL_LANES.includes(lane(f)));
  const held = new Set(running.map((f) => plan.groups?.get(f)).filter((g) => g !== undefined));
  const free = (f) => !held.has(plan.groups?.get(f));
  const take = (list, fits) => {
    const i = list.findIndex((f) => free(f) && fits(f));
    return i < 0 ? undefined : list.splice(i, 1)[0];
  };
  if (serialRunning === undefined && queues.serial.length > 0 && free(queues.serial[0])) {
    const next = queues.serial[0];
    if (lane(next) === 'alone') return running.length === 0 ? queues.serial.shift() : undefined;
    if (fitsBeside(running.map((f) => ({ lane: lane(f), share: share(f) })))) return queues.serial.shift();
  }
  if (serialRunning !== undefined || queues.serial.length > 0) {
    // Beside a serial file (or waiting for the next one): light files only.
    if (serialRunning !== undefined && lane(serialRunning) === 'alone') return undefined;
    const beside = running.filter((f) => f !== serialRunning).map((f) => ({ lane: lane(f), share: share(f) }));
    return take(queues.pool, (f) => fitsBeside([...beside, { lane: lane(f), share: share(f) }]));
  }
  const heavyRunning = running.some((f) => lane(f) === 'heavy');
  return take(queues.pool, (f) => !(heavyRunning && lane(f) === 'heavy') && (running.length === 0 || cpu + share(f) <= CPU_BUDGET * cores));
}

// fitsBeside: the files beside a serial one stay within COMPANION_CORES (never two heavy), or are one quick file.
function fitsBeside(companions) {
  if (companions.filter((c) => c.lane === 'heavy').length > 1) return false;
  if (companions.length === 1 && companions[0].lane === 'quick') return true;
  return companions.reduce((sum, c) => sum + c.share, 0) <= COMPANION_CORES;
}

/**
 * simulateRun plays the plan's schedule (nextToStart, up to `jobs` at once on `cores`) with
 * each file taking its recorded wall time (`wallMsOf(file)`), without running anything: the
 * predicted wall time, each file's start and end, and the critical path (the chain of files
 * each of which started only when the one before it ended, back from the last to end).
 */
export function simulateRun(plan, jobs, cores, wallMsOf) {
  const queues = { serial: [...plan.serial], pool: [...plan.pool] };
  const running = [];
  const spans = new Map();
  let nowMs = 0;
  for (;;) {
    for (let f = nextToStart(plan, queues, running, jobs, cores); f !== undefined; f = nextToStart(plan, queues, running, jobs, cores)) {
      running.push(f);
      spans.set(f, { startMs: nowMs, endMs: nowMs + wallMsOf(f) });
    }
    if (running.length === 0) break;
    // The next file to end; every file ending at the same moment ends together.
    nowMs = Math.min(...running.map((f) => spans.get(f).endMs));
    for (let i = running.length - 1; i >= 0; i--) if (spans.get(running[i]).endMs <= nowMs) running.splice(i, 1);
  }
  const left = queues.serial.length + queues.pool.length;
  if (left > 0) throw new Error(`the schedule left ${left} file(s) unstarted`);
  return { wallMs: nowMs, spans, criticalPath: criticalPath(spans, nowMs) };
}

// criticalPath walks back from the last file to end: each step the file that ended when the one after it started.
function criticalPath(spans, endMs) {
  const path = [];
  let atMs = endMs;
  while (atMs > 0) {
    const ending = [...spans].filter(([, s]) => s.endMs === atMs).sort((a, b) => a[1].startMs - b[1].startMs)[0];
    if (ending === undefined) break;
    path.unshift(ending[0]);
    atMs = ending[1].startMs;
  }
  return path;
}

/** BATCH_MS is how much recorded wall time of quick files one batch process takes on (the files run one after another in it). */
export const BATCH_MS = 12_000;
/** BATCH_FILES is the most quick files one batch process runs. */
export const BATCH_FILES = 12;
// A quick file with no recorded duration yet, for batching: about what one takes.
const UNKNOWN_QUICK_MS = 3000;

/**
 * batchQuick puts the plan's quick pool files that `batchable(file)` allows into batches of
 * up to BATCH_FILES files and BATCH_MS of recorded wall time (first fit, longest first), each
 * run in one process (scripts/test-batch.mjs). In the plan a batch stands in for its files:
 * its id (`batch:N`) in the pool, lane quick, the CPU share of its files together. Returns
 * the batches (id → files); a file that fits no batch with others stays on its own.
 */
export function batchQuick(root, plan, durations, batchable) {
  const recorded = (f) => durations[relative(root, f)];
  const wallMs = (f) => recorded(f)?.wallMs ?? UNKNOWN_QUICK_MS;
  const groups = [];
  for (const f of plan.pool) {
    if (plan.lanes.get(f) !== 'quick' || !batchable(f)) continue;
    const group = groups.find((g) => g.files.length < BATCH_FILES && g.ms + wallMs(f) <= BATCH_MS);
    if (group) {
      group.files.push(f);
      group.ms += wallMs(f);
    } else groups.push({ files: [f], ms: wallMs(f) });
  }
  const batches = new Map();
  for (const g of groups.filter((g) => g.files.length > 1)) {
    const id = `batch:${batches.size + 1}`;
    batches.set(id, g.files);
    const cpuS = g.files.reduce((sum, f) => sum + (recorded(f)?.cpuS ?? (UNKNOWN_SHARE * wallMs(f)) / 1000), 0);
    plan.lanes.set(id, 'quick');
    plan.shares.set(id, shareOf({ wallMs: g.ms, cpuS }));
    plan.expectedMs.set(id, g.ms);
  }
  const inBatch = new Map([...batches].flatMap(([id, files]) => files.map((f) => [f, id])));
  // Each batch where its longest file stood, the others dropped: the pool stays longest first by what it holds.
  plan.pool = plan.pool.flatMap((f) => (!inBatch.has(f) ? [f] : batches.get(inBatch.get(f))[0] === f ? [inBatch.get(f)] : []));
  plan.pool.sort((a, b) => plan.expectedMs.get(b) - plan.expectedMs.get(a));
  return batches;
}
