// test-lane: serial: timing-sensitive (where the SIGKILL lands in a response decides the failure kinds)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { failedOf, freePort, runTraffic, settingsFor } from './harness.js';

const FIXTURE = new URL('./fixtures/child-server.mjs', import.meta.url).pathname;

async function startChild(port: number, delayMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [FIXTURE, String(port), String(delayMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  assert.match(chunk.toString(), /listening/);
  return child;
}

test('a server SIGKILLed and restarted mid-run: every lost request is reported, then traffic recovers', async () => {
  const port = await freePort();
  const children: ChildProcess[] = [await startChild(port, 20)];
  let killedAtMs = 0;
  let restartedAtMs = 0;
  try {
    const r = await runTraffic(
      `http://127.0.0.1:${port}/`,
      settingsFor({ ratePerSec: 200, freshPercent: 20, timeoutMs: 5000 }),
      {
        durationMs: 3000,
        during: async (clock) => {
          await new Promise((res) => setTimeout(res, 1000));
          killedAtMs = clock.nowMs();
          children[0]?.kill('SIGKILL');
          await once(children[0]!, 'exit');
          await new Promise((res) => setTimeout(res, 400));
          children.push(await startChild(port, 20));
          restartedAtMs = clock.nowMs();
        },
      },
    );
    const t = r.totals;
    assert.equal(t.sent, t.ok + t.failed + t.inFlightAtStop);
    assert.equal(t.inFlightAtStop, 0);
    assert.equal(r.failures.length, t.failed);
    assert.ok(t.failed > 0, 'the kill cost requests');
    const kinds = failedOf(r);
    const seen = [...new Set(r.failures.map((f) => `${f.kind}:${f.errorCode}`))].join(', ');
    for (const k of Object.keys(kinds))
      assert.ok(['refused', 'reset', 'closed_before_response'].includes(k), seen);
    assert.ok((kinds.refused ?? 0) > 0, 'requests while nothing listened were refused');
    for (const f of r.failures) {
      assert.ok(
        f.endAtMs >= killedAtMs - 1 && f.endAtMs <= restartedAtMs + 500,
        `failure at ${f.endAtMs}`,
      );
    }
    // After the restart, the new process answers.
    const pods = Object.keys(r.intervals.at(-1)?.okByPod ?? {});
    assert.deepEqual(pods, [`pod-${children[1]?.pid}`]);
  } finally {
    for (const c of children) c.kill('SIGKILL');
  }
});
