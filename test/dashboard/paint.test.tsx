// Colour on and off (NO_COLOR): chalk decides at import whether it may colour,
// so this file forces colour before loading ink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as f from './fixtures.js';

const ESC = String.fromCharCode(27);
const SGR = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

process.env['FORCE_COLOR'] = '1';
const { render } = await import('ink-testing-library');
const { LiveDashboard } = await import('../../src/dashboard/live-dashboard.js');

test('colour on: escape codes; colour off (NO_COLOR): none, and the same text', () => {
  const s = f.snapshot({ nowMs: 15_000, events: f.killedEvents(), totals: f.totals(100, { reset: 3 }), failuresByPod: { [f.PODS.OLD_A]: 3 } });
  const colored = render(<LiveDashboard view={f.staticView(s)} title="t" tickMs={200} onQuit={() => undefined} color size={{ columns: 80, rows: 30 }} />);
  const plain = render(<LiveDashboard view={f.staticView(s)} title="t" tickMs={200} onQuit={() => undefined} color={false} size={{ columns: 80, rows: 30 }} />);
  try {
    const c = colored.lastFrame() ?? '';
    const p = plain.lastFrame() ?? '';
    assert.ok(c.includes(`${ESC}[31m`), 'failures are red when colour is on');
    assert.ok(!p.includes(ESC), 'no escape codes without colour');
    assert.equal(c.replace(SGR, ''), p);
  } finally {
    colored.unmount();
    plain.unmount();
  }
});
