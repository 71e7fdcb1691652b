// One traffic command (`rollcheck local|run|load …`) run in process for a test, its
// exit code judged against what the run's facts call for. The one allowance every
// rollout test needs on 2 busy cores lives here and nowhere else: a run that would
// pass may come out inconclusive (exit 3) when, and only when, its own verdict says
// the generator fell behind its schedule.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { loadResults } from '../../src/results/io.js';
import type { Results } from '../../src/results/types.js';
import { createTestIo } from '../helpers.js';
import { BEHIND_MARK } from '../../scripts/test-lanes.mjs';

/** TrafficCommandRun is one run: its exit code, its results file read back, what it printed, and whether the generator fell behind. */
export interface TrafficCommandRun {
  code: number;
  results: Results;
  out: string;
  err: string;
  /** behind is the verdict's line saying the generator fell behind its schedule, or undefined when it kept it. */
  behind: string | undefined;
}

/** TrafficCommandOptions: where the run writes, the exit codes its facts call for, and the environment it sees. */
export interface TrafficCommandOptions {
  /** dir is the run's working folder; its results file is `dir/run.json`. */
  dir: string;
  /** exits are the exit codes the test's facts call for: 0 (pass), 1 (the verdict failed), or either. */
  exits: readonly number[];
  env?: Record<string, string>;
}

/**
 * runTrafficCommand runs `args` (a traffic command, without --out) through the CLI,
 * reads the results file it wrote and fails the test unless the exit code is one of
 * `exits` or an allowed exit 3 (see judgeExit).
 */
export async function runTrafficCommand(args: readonly string[], o: TrafficCommandOptions): Promise<TrafficCommandRun> {
  const io = createTestIo({ cwd: o.dir, ...(o.env ? { env: o.env } : {}) });
  const path = join(o.dir, 'run.json');
  const code = await runCli([...args, '--out', path], io);
  assert.ok(existsSync(path), `exit ${code} and no results file: ${io.err()}`);
  const results = loadResults(path);
  const behind = judgeExit(code, results, o.exits, io.err());
  return { code, results, out: io.out(), err: io.err(), behind };
}

/**
 * judgeExit passes when `code` is one of `exits`, or when it is 3 where a pass (0)
 * was allowed and the verdict's only reason to be inconclusive is the generator
 * falling behind (a failing run fails on its failures whatever the generator did,
 * and any other reason is a real one). Returns the generator's line, if any.
 */
export function judgeExit(code: number, results: Results, exits: readonly number[], err = '', note: (line: string) => void = noteBehind): string | undefined {
  const verdict = results.analysis?.verdict;
  const behind = verdict?.generatorBehind;
  if (exits.includes(code)) return behind;
  const said = `exit ${code} where the run's facts call for ${exits.join(' or ')}`;
  assert.ok(code === 3 && exits.includes(0), `${said}; verdict: ${verdict?.reasons.join('; ') ?? 'none'}\n${err}`);
  assert.ok(behind !== undefined, `${said}, and the generator kept its schedule: ${verdict?.inconclusive ?? 'no reason given'}\n${err}`);
  assert.equal(verdict?.inconclusive, behind, `${said}: inconclusive for more than the generator falling behind`);
  note(`exit 3 accepted where ${exits.join(' or ')} was due: ${behind}`);
  return behind;
}

/** noteBehind writes one BEHIND_MARK line: the judges' default `note` (a test of the judges passes its own), and a test's own for a check it skips because the generator fell behind. */
export function noteBehind(what: string): void {
  process.stderr.write(`${BEHIND_MARK} ${what.replace(/\s+/g, ' ')}\n`);
}

/**
 * judgeDemoExit judges `rollcheck demo`'s exit from its rungs' results files
 * (`dir/<n>-<name>.json`): 0 passes; 3 only when every rung whose verdict is
 * inconclusive is so because the generator fell behind, and at least one is.
 * Returns the names of those rungs (their lesson could not be judged; a test
 * checks every other rung as usual).
 */
export function judgeDemoExit(code: number, dir: string, names: readonly string[], out = '', note: (line: string) => void = noteBehind): string[] {
  if (code === 0) return [];
  assert.equal(code, 3, `the demo exited ${code}:\n${out}`);
  const unsure = names.flatMap((name, i) => {
    const r = loadResults(join(dir, `${i + 1}-${name}.json`));
    const v = r.analysis?.verdict;
    if (v?.inconclusive === undefined) return [];
    assert.ok(v.generatorBehind !== undefined && v.inconclusive === v.generatorBehind, `${name}: inconclusive for more than the generator falling behind: ${v.inconclusive}\n${out}`);
    return [name];
  });
  assert.ok(unsure.length > 0, `exit 3 with no rung inconclusive:\n${out}`);
  note(`demo exit 3 accepted, rung(s) not judged: ${unsure.join(', ')}`);
  return unsure;
}
