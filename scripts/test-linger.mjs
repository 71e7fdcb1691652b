// Preloaded (`--import`) into each test file's process by scripts/run-tests.mjs: when
// the process is still alive LINGER_MS after its file's last test (something keeps the
// event loop running: a child process, a socket, a server, a timer), it writes to
// stderr what is holding it, so the file's report names the open handle instead of
// only a timeout 180 s later. A watchdog writes the same just before the file's
// timeout, for a test that never ends. Timers are named by where they were set.
// A process with nothing left to do exits without Node's own handle teardown (see below).
import { after } from 'node:test';
import { isMainThread } from 'node:worker_threads';

/** LINGER_MS: how long after its last test a file's process may take to exit before it is reported. */
export const LINGER_MS = 10_000;

// Only the test file's own main thread watches: its worker threads and the processes it starts
// (which get a copy of the environment) do not inherit the figure.
const timeoutMs = Number(process.env.ROLLCHECK_TEST_TIMEOUT_MS);
delete process.env.ROLLCHECK_TEST_TIMEOUT_MS;
if (isMainThread && Number.isFinite(timeoutMs)) watch(timeoutMs);

function watch(fileTimeoutMs) {
  const startedMs = Date.now();
  const timers = trackTimers();
  after(() => {
    setTimeout(() => report(`still running ${LINGER_MS / 1000} s after its last test`, timers), LINGER_MS).unref();
    // 'exit' comes once nothing is left in the event loop. Node 20 then closes its own handles and, now and
    // then (seen on corpus-h2 beside other files), spins in that teardown (Environment::CleanupHandles) at
    // full CPU until the file's timeout. Nothing of the tests is left by then (their report is written,
    // synchronously on a pipe): end there. Added last, so every other 'exit' listener runs first.
    process.once('exit', (code) => process.exit(code));
  });
  setTimeout(() => report(`still running after ${((Date.now() - startedMs) / 1000).toFixed(0)} s, near its timeout`, timers), Math.max(1000, fileTimeoutMs - 10_000)).unref();
}

// Intervals and timeouts of a second or more, each with where it was set (cheap: the stack is formatted only when reported).
function trackTimers() {
  const live = new Map();
  const wrap = (name, minMs) => {
    const original = globalThis[name];
    globalThis[name] = function tracked(fn, ms, ...rest) {
      const t = original.call(this, fn, ms, ...rest);
      if (name === 'setInterval' || (typeof ms === 'number' && ms >= minMs)) {
        if (live.size > 2000) for (const k of live.keys()) if (k._destroyed) live.delete(k);
        live.set(t, { name, ms, where: new Error() });
      }
      return t;
    };
  };
  wrap('setInterval', 0);
  wrap('setTimeout', 1000);
  return live;
}

function report(why, timers) {
  const handles = process._getActiveHandles();
  const pipes = pipesOfChildren(handles);
  const lines = [`rollcheck-tests: pid ${process.pid} ${why}; what keeps it alive: ${process.getActiveResourcesInfo().join(', ')}`];
  for (const h of handles) {
    const line = describeHandle(h, pipes);
    if (line !== null) lines.push(`  ${line}`);
  }
  for (const [t, { name, ms, where }] of timers) {
    if (t._destroyed || !t.hasRef()) continue;
    const at = where.stack.split('\n').slice(2, 5).map((l) => l.trim().replace(/^at /, '')).join(' < ');
    lines.push(`  ${name}(${Math.round(ms)} ms) set at ${at}`);
  }
  process.stderr.write(lines.join('\n') + '\n');
}

// pipesOfChildren names each child process's stdio pipe ("stdout of child 123").
function pipesOfChildren(handles) {
  const names = new Map();
  for (const h of handles) {
    if (h?.constructor?.name !== 'ChildProcess') continue;
    (h.stdio ?? []).forEach((s, i) => s && names.set(s, `${['stdin', 'stdout', 'stderr'][i] ?? `fd ${i}`} pipe of child ${h.pid}`));
  }
  return names;
}

function describeHandle(h, pipes) {
  const kind = h?.constructor?.name ?? typeof h;
  if (kind === 'ChildProcess') return `child process ${h.pid}: ${(h.spawnargs ?? []).join(' ').slice(0, 160)}`;
  if (kind === 'Server') return `server listening on ${JSON.stringify(h.address?.())}`;
  if (kind === 'Socket' || kind === 'TLSSocket') {
    if (pipes.has(h)) return pipes.get(h);
    if (h.remotePort !== undefined) return `${kind} ${h.localAddress}:${h.localPort} -> ${h.remoteAddress}:${h.remotePort}`;
    const fd = h._handle?.fd;
    // 0-2 are this process's own stdio, always there.
    if (fd >= 0 && fd <= 2) return null;
    return `${kind} (a pipe or an unconnected socket${fd >= 0 ? `, fd ${fd}` : ''})`;
  }
  return kind;
}
