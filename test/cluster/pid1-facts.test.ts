import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argvOf, isPauseProcess, processFacts, roleOf, sigtermDisposition, statusField } from '../../src/cluster/pid1-facts.js';

test('sigtermDisposition reads SigIgn, SigCgt and SigBlk (bit 14 is SIGTERM)', () => {
  assert.equal(sigtermDisposition('SigBlk:\t0000000000000000\nSigIgn:\t0000000000004000\nSigCgt:\t0000000000000000\n'), 'ignored');
  assert.equal(sigtermDisposition('SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000180004002\n'), 'handled');
  assert.equal(sigtermDisposition('SigBlk:\t0000000000004000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n'), 'blocked');
  assert.equal(sigtermDisposition('SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000002\n'), 'default');
});

test('statusField and argvOf read /proc texts', () => {
  const status = 'Name:\tpython3\nPid:\t7\nPPid:\t1\nTracerPid:\t0\n';
  assert.equal(statusField(status, 'PPid'), 1);
  assert.equal(statusField(status, 'Pid'), 7);
  assert.equal(statusField(status, 'NSpid'), null);
  assert.deepEqual(argvOf('python3\0-m\0http.server\0'), ['python3', '-m', 'http.server']);
  // An empty argument in the middle stays; only the terminating NUL goes.
  assert.deepEqual(argvOf('sh\0-c\0\0'), ['sh', '-c', '']);
  assert.deepEqual(argvOf(''), []);
});

test('roleOf: shells (busybox too), known inits, the pause process, apps', () => {
  const p = (argv: string[], exe: string | null) => processFacts(1, '', argv.join('\0') + '\0', exe);
  assert.equal(roleOf(p(['/bin/sh', '-c', 'node server.js'], '/usr/bin/dash')), 'shell');
  assert.equal(roleOf(p(['sh', '-c', 'httpd -f'], '/bin/busybox')), 'shell');
  // busybox running an applet that is not a shell is that applet.
  assert.equal(roleOf(p(['httpd', '-f'], '/bin/busybox')), 'app');
  assert.equal(roleOf(p(['/usr/bin/tini', '--', 'node'], '/usr/bin/tini')), 'init');
  assert.equal(roleOf(p(['python3', '-m', 'http.server'], null)), 'app');
  assert.equal(isPauseProcess(p(['/pause'], null)), true);
  assert.equal(isPauseProcess(p(['python3'], '/usr/bin/python3.11')), false);
});
