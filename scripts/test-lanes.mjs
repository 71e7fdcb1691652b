// Which lane each test file runs in, and how long it took last time: the plan
// that scripts/run-tests.mjs follows.
//
// A test file names its lane in a comment of its own, near the top:
//   // test-lane: alone: <why>    runs with nothing beside it (it measures the machine's own
//                                  timing: event-loop lag, timer precision), not in test:quick
//   // test-lane: serial: <why>   runs one at a time with no other serial, heavy or slow file
//                                  beside it (heavy load, timing-sensitive, rollouts whose
//                                  verdicts need the cores); at most COMPANIONS quick files may
//                                  run beside it, not in test:quick
//   // test-lane: heavy: <why>    runs beside lighter files but never beside another heavy
//                                  one (rollouts whose verdicts need the cores), not in test:quick
//   // test-lane: slow: <why>     runs beside others, but not in test:quick (real
//                                  rollouts, browsers, containers, long traffic phases)
// A file without a marker is quick: pure and fast, in both `npm test` and `npm run test:quick`.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** LANES are the markers a test file may carry, in `// test-lane: <lane>: <why>`. */
export const LANES = ['alone', 'serial', 'heavy', 'slow'];

/** DURATIONS_FILE keeps each file's wall time from a full run (`npm test -- --record`), for longest-first order. */
export const DURATIONS_FILE = new URL('./test-durations.json', import.meta.url);

// The lanes whose files run one at a time, before the pool.
const SERIAL_LANES = ['alone', 'serial'];

/**
 * COMPANIONS is how many quick files may run beside a `serial` one: quick files are
 * short and light (the whole quick lane uses ~85 CPU seconds), so a serial file keeps
 * a core to itself while the ~1.5 cores it leaves idle do the quick lane's waiting.
 */
export const COMPANIONS = 1;

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
  const head = readFileSync(file, 'utf8').slice(0, 4000);
  const m = head.match(/^\/\/ test-lane: (\w+)/m);
  if (!m) return 'quick';
  if (!LANES.includes(m[1])) throw new Error(`${file}: unknown test-lane "${m[1]}" (one of: ${LANES.join(', ')})`);
  return m[1];
}

/** readDurations loads the recorded wall time of each file (ms, keyed by path from the repo root). */
export function readDurations() {
  try {
    return JSON.parse(readFileSync(DURATIONS_FILE, 'utf8'));
  } catch {
    return {};
  }
}

/** writeDurations records this run's wall times over the previous ones, sorted by path. */
export function writeDurations(root, measured) {
  const all = { ...readDurations() };
  for (const [file, ms] of measured) all[relative(root, file)] = Math.round(ms);
  const sorted = Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]]));
  writeFileSync(DURATIONS_FILE, JSON.stringify(sorted, null, 2) + '\n');
}

/**
 * planRun splits the files into the serial lane (`alone` and `serial` files, one at
 * a time) and the concurrent pool, each longest-first by recorded duration.
 */
export function planRun(root, files, durations) {
  const expected = (f) => durations[relative(root, f)] ?? UNKNOWN_MS;
  const longestFirst = (a, b) => expected(b) - expected(a);
  const lanes = files.map((file) => ({ file, lane: laneOf(file) }));
  return {
    serial: lanes.filter((l) => SERIAL_LANES.includes(l.lane)).map((l) => l.file).sort(longestFirst),
    pool: lanes.filter((l) => !SERIAL_LANES.includes(l.lane)).map((l) => l.file).sort(longestFirst),
    lanes: new Map(lanes.map((l) => [l.file, l.lane])),
  };
}

/**
 * nextToStart takes from `queues` (the plan's `serial` and `pool` lists, in order) the
 * file to start now, or undefined when none may start beside `running` (the lanes of
 * the files running): first the serial lane, one file at a time, an `alone` one with
 * nothing beside it, a `serial` one with at most COMPANIONS quick files from the pool;
 * then the pool, `jobs` at a time, never two `heavy` files at once.
 */
export function nextToStart(lanes, queues, running, jobs) {
  if (running.length >= jobs) return undefined;
  const laneOfFile = (f) => lanes.get(f);
  const take = (list, i) => (i < 0 ? undefined : list.splice(i, 1)[0]);
  const serialRunning = running.find((l) => SERIAL_LANES.includes(l));
  if (serialRunning === undefined && queues.serial.length > 0) {
    const alone = laneOfFile(queues.serial[0]) === 'alone';
    const free = alone ? running.length === 0 : running.every((l) => l === 'quick') && running.length <= COMPANIONS;
    return free ? queues.serial.shift() : undefined;
  }
  if (serialRunning !== undefined) {
    if (serialRunning === 'alone' || running.length - 1 >= COMPANIONS) return undefined;
    return take(queues.pool, queues.pool.findIndex((f) => laneOfFile(f) === 'quick'));
  }
  const heavyRunning = running.includes('heavy');
  return take(queues.pool, queues.pool.findIndex((f) => !(heavyRunning && laneOfFile(f) === 'heavy')));
}
