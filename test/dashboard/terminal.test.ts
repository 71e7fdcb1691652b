// test-lane: slow: the built CLI in tmux, a real rollout
// The dashboard in a real terminal: the built CLI runs `rollcheck local` with a
// shell entrypoint (which ignores SIGTERM) inside tmux, and the captured screens
// must show the pods, their SIGTERM and their exit 137 while the run goes on,
// then the final summary with the results path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { skipUnless } from '../tools.js';
import { REPO_ROOT } from '../helpers/built-cli.js';
// The checkout itself (not the test tree's links): its src/ decides whether dist/ is stale, and the build writes there.
const ROOT = REPO_ROOT;
const MAIN_JS = join(ROOT, 'dist/cli/main.js');
// Until src/run/session.ts starts the dashboard there is nothing to see in a terminal.
const wired = readFileSync(join(ROOT, 'src/run/session.ts'), 'utf8').includes('startDashboard');
const skip = skipUnless('tmux') || (!wired
    ? 'src/run/session.ts does not start the dashboard yet'
    : false);

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestMtimeMs(path) : st.mtimeMs);
  }
  return newest;
}

/** buildIfStale runs `npm run build` when any source is newer than the built CLI. */
function buildIfStale(): void {
  if (existsSync(MAIN_JS) && statSync(MAIN_JS).mtimeMs >= newestMtimeMs(join(ROOT, 'src'))) return;
  // tsc writes the files even when another module in progress has type errors; what matters is the output.
  spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  assert.ok(
    existsSync(MAIN_JS) && existsSync(join(ROOT, 'dist/dashboard/drawer-main.js')),
    'npm run build produced the CLI',
  );
}

test(
  'rollcheck local under tmux shows pods, SIGTERM and exit 137 live, then the summary',
  { skip, timeout: 170_000 },
  async (t) => {
    buildIfStale();
    const dir = mkdtempSync(join(tmpdir(), 'rollcheck-tmux-'));
    const socket = `rollcheck-dash-${process.pid}`;
    const tmux = (...args: string[]): string =>
      execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    const out = join(dir, 'run.json');
    const command = [
      `cd ${dir} &&`,
      `env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 node ${join(ROOT, 'bin/rollcheck')} local`,
      '--app demo --entrypoint shell --replicas 2 --grace-period 3s --baseline 1s --cooldown 2s --rate 50',
      `--out ${out}; echo ROLLCHECK_EXIT=$?; sleep 600`,
    ].join(' ');
    let socketPath = '';
    const screens: string[] = [];
    const capturedAt: number[] = [];
    let resizedAt = -1;
    try {
      tmux('new-session', '-d', '-s', 'dash', '-x', '100', '-y', '30', command);
      socketPath = tmux('display-message', '-p', '#{socket_path}').trim();
      const until = Date.now() + 150_000;
      while (Date.now() < until) {
        const screen = tmux('capture-pane', '-p', '-t', 'dash');
        if (screen !== screens[screens.length - 1]) {
          screens.push(screen);
          capturedAt.push(Date.now());
        }
        // Once the dashboard is up, narrow the terminal: later frames must redraw cleanly from the top.
        if (resizedAt < 0 && /^POD\s+REV/m.test(screen)) {
          tmux('resize-window', '-t', 'dash', '-x', '90', '-y', '30');
          resizedAt = Date.now();
        }
        if (screen.includes('ROLLCHECK_EXIT=')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      writeFileSync(join(dir, 'screens.txt'), screens.join('\n' + '-'.repeat(100) + '\n'));
      const last = screens[screens.length - 1] ?? '';
      assert.match(
        last,
        /ROLLCHECK_EXIT=[01]\b/,
        `the run ended with a verdict; last screen:\n${last}`,
      );
      const during = screens
        .slice(0, -1)
        .filter((s) => /^POD\s+REV\s+STATE/m.test(s) && !/^summary$/m.test(s));
      assert.ok(during.length >= 3, `the dashboard drew during the run (${during.length} screens)`);
      const termed = during.find((s) => /SIGTERM sent/.test(s) && /\bSIGTERM$/m.test(s));
      assert.ok(termed, 'a pod row says "SIGTERM sent" and the log shows the SIGTERM');
      const killed = during.find(
        (s) => /(exited 137|deleted \(137\))/.test(s) && /exited code 137/.test(s),
      );
      assert.ok(killed, 'a pod row shows exit 137 while the run goes on');
      t.diagnostic(`a screen during the run:\n${killed}`);
      assert.match(last, /^summary$/m);
      assert.match(
        last,
        new RegExp(`^results\\s+${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'),
      );
      for (const s of screens) for (const line of s.split('\n')) assert.ok(line.length <= 100);
      assert.ok(resizedAt > 0, 'the terminal was narrowed during the run');
      // A second to settle, then every frame starts with the header and fits 90 columns.
      const afterResize = screens
        .slice(0, -1)
        .filter((s, i) => (capturedAt[i] ?? 0) > resizedAt + 1000 && /^POD\s+REV/m.test(s));
      assert.ok(afterResize.length > 0, 'frames were drawn after the resize');
      for (const s of afterResize) {
        assert.match(
          s.split('\n')[0] ?? '',
          /^rollcheck local\s+elapsed /,
          `no leftovers above the header:\n${s}`,
        );
        for (const line of s.split('\n'))
          assert.ok(line.length <= 90, `"${line}" is wider than 90`);
      }
      assert.ok(existsSync(out), 'the results file was written');
    } finally {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
      // tmux leaves its socket file behind.
      if (socketPath !== '') rmSync(socketPath, { force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
