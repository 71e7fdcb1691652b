// What the main thread sends the drawer thread is trimmed: the frame drawn from
// the trimmed snapshot must be the frame drawn from the full one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { slimSnapshot } from '../../src/dashboard/dashboard-protocol.js';
import { LiveDashboard } from '../../src/dashboard/live-dashboard.js';
import type { LiveSnapshot } from '../../src/results/live.js';
import * as f from './fixtures.js';

function frame(s: LiveSnapshot): string {
  const r = render(
    <LiveDashboard
      view={f.staticView(s)}
      title="t"
      tickMs={200}
      color={false}
      size={{ columns: 100, rows: 40 }}
    />,
  );
  const text = r.lastFrame() ?? '';
  r.unmount();
  return text;
}

test('slimSnapshot keeps everything the screen shows and drops the rest', () => {
  const s = f.snapshot({
    nowMs: 60_000,
    events: f.killedEvents(),
    recent: f.steady(60_000, 60, (at) =>
      at % 7000 < 300 ? { reset: 2 } : at % 11_000 < 100 ? { timeout: 1 } : {},
    ),
    totals: f.totals(100_000, { reset: 54, timeout: 6 }),
    recentFailures: [f.failure(14_600, 'reset', f.PODS.OLD_A)],
    failuresByPod: { [f.PODS.OLD_A]: 54 },
  });
  const slim = slimSnapshot(s);
  assert.ok(
    slim.recent.length < s.recent.length / 5,
    `${slim.recent.length} of ${s.recent.length} intervals kept`,
  );
  assert.equal(slim.recent.filter((i) => i.histogram !== '').length, 10);
  assert.equal(frame(slim), frame(s));
});
