// Which lane each test file runs in, and how long it took last time: the plan
// that scripts/run-tests.mjs follows.
//
// A test file names its lane in a comment of its own, near the top:
//   // test-lane: serial: <why>   runs alone, nothing else beside it (heavy load,
//                                  timing-sensitive, a fixed name or port), not in test:quick
//   // test-lane: heavy: <why>    runs beside lighter files but never beside another heavy
//                                  one (rollouts whose verdicts need the cores), not in test:quick
//   // test-lane: slow: <why>     runs beside others, but not in test:quick (real
//                                  rollouts, browsers, containers, long traffic phases)
// A file without a marker is quick: pure and fast, in both `npm test` and `npm run test:quick`.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** LANES are the markers a test file may carry, in `// test-lane: <lane>: <why>`. */
export const LANES = ['serial', 'heavy', 'slow'];

/** DURATIONS_FILE keeps each file's wall time from a full run (`npm test -- --record`), for longest-first order. */
export const DURATIONS_FILE = new URL('./test-durations.json', import.meta.url);

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

/** laneOf reads the `// test-lane:` marker of a test file: 'serial', 'heavy', 'slow' or 'quick'. */
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
 * planRun splits the files into the serial lane (run one at a time, alone) and
 * the concurrent pool, each longest-first by recorded duration.
 */
export function planRun(root, files, durations) {
  const expected = (f) => durations[relative(root, f)] ?? UNKNOWN_MS;
  const longestFirst = (a, b) => expected(b) - expected(a);
  const lanes = files.map((file) => ({ file, lane: laneOf(file) }));
  return {
    serial: lanes.filter((l) => l.lane === 'serial').map((l) => l.file).sort(longestFirst),
    pool: lanes.filter((l) => l.lane !== 'serial').map((l) => l.file).sort(longestFirst),
    lanes: new Map(lanes.map((l) => [l.file, l.lane])),
  };
}
