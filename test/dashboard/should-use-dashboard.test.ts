import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { shouldUseDashboard } from '../../src/dashboard/index.js';
import type { Io } from '../../src/io.js';

function io(isTTY: boolean, env: Record<string, string>): Io {
  const stdout = Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { isTTY });
  return { stdout, stderr: stdout, env, cwd: '/', interrupt: new AbortController().signal };
}

test('shouldUseDashboard: asked for, a terminal, not CI, not a dumb terminal', () => {
  const cases: Array<[boolean, boolean, Record<string, string>, boolean]> = [
    [true, true, {}, true],
    [false, true, {}, false],
    [true, false, {}, false],
    [true, true, { CI: 'true' }, false],
    [true, true, { CI: '1' }, false],
    [true, true, { CI: 'false' }, true],
    [true, true, { CI: '0' }, true],
    [true, true, { TERM: 'dumb' }, false],
    [true, true, { TERM: 'xterm-256color', NO_COLOR: '1' }, true],
  ];
  for (const [requested, tty, env, want] of cases) {
    assert.equal(
      shouldUseDashboard(io(tty, env), requested),
      want,
      JSON.stringify({ requested, tty, env }),
    );
  }
});
