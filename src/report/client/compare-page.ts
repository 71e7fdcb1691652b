// The compare page's script: a table of runs, failures/ok/p99 charts on one
// shared time axis, and each run's findings. Built with textContent only.
// Bundled into one inline script (src/report/client-bundle.ts).
import type { FailureKind } from '../../results/types.js';
import type { CompareData } from '../compare-data.js';
import { byId, el, readData, swatch } from './dom.js';
import { findingCard } from './finding-card.js';

// One colour per run, in the order the runs were given.
const COLORS = ['#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const runColor = (i: number): string => COLORS[i % COLORS.length] ?? '#888';

// The compare table keeps a tenth of a second past 10 s: the runs are read side by side.
function fmtOutage(ms: number | null): string {
  return ms === null ? '\u2013' : ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(1) + ' s';
}
const VERDICT_CLASS: Record<string, string> = { PASS: 'pass-text', FAIL: 'fail-text', INCONCLUSIVE: 'unsure-text' };
const verdictText = (r: CompareData['rows'][number]): string => (r.verdict === 'NOT ANALYSED' ? 'not analysed' : r.verdict);
const verdictClass = (r: CompareData['rows'][number]): string => VERDICT_CLASS[r.verdict] ?? 'muted';

const D = readData<CompareData>();
document.title = 'rollcheck compare: ' + D.rows.map((r) => r.label).join(' vs ');
byId('subtitle').textContent = D.rows.length + ' runs';
byId('x-note').textContent = 'Each run on its own clock, lined up at 0 = ' + D.xLabel.replace('s since ', '') + '.';
renderRows();
chart('chart-failed', 'Failures per second', 'failures/s', D.failed);
chart('chart-ok', 'Ok responses per second', 'ok/s', D.ok);
chart('chart-p99', 'p99 latency of ok responses (ms)', 'ms', D.p99);
renderRunFindings();
document.body.setAttribute('data-rendered', 'true');

function renderRows(): void {
  const body = byId('compare-rows');
  D.rows.forEach((r, i) => {
    const tr = el('tr');
    const name = el('td');
    name.appendChild(swatch(runColor(i)));
    name.appendChild(el('b', null, r.label));
    name.appendChild(el('div', 'muted', r.target));
    tr.appendChild(name);
    tr.appendChild(el('td', verdictClass(r), verdictText(r)));
    tr.appendChild(el('td', 'num', r.failed + ' of ' + r.sent));
    tr.appendChild(el('td', 'num', (r.errorRate * 100).toFixed(3) + '%'));
    const kinds = Object.keys(r.byKind) as FailureKind[];
    tr.appendChild(el('td', null, kinds.map((k) => r.byKind[k] + ' ' + k).join(', ') || '\u2013'));
    tr.appendChild(el('td', 'num', r.longestOutageMs === 0 ? 'none' : fmtOutage(r.longestOutageMs)));
    tr.appendChild(el('td', 'num', (r.p99Us / 1000).toFixed(1) + ' ms'));
    tr.appendChild(el('td', null, r.findings.map((f) => f.id).join(', ') || 'none'));
    tr.setAttribute('data-run', r.label);
    body.appendChild(tr);
  });
}

function chart(id: string, title: string, yLabel: string, data: Array<Array<number | null>>): void {
  const opts: uPlot.Options = {
    title, width: Math.max(600, Math.min(1400, byId('charts').clientWidth - 10)), height: 220,
    scales: { x: { time: false } }, cursor: { sync: { key: 'compare' } },
    axes: [{ label: D.xLabel }, { label: yLabel, size: 80 }],
    series: [{}, ...D.rows.map((r, i) => ({ label: r.label, stroke: runColor(i), width: 1.5 }))],
  };
  new uPlot(opts, [D.t, ...data], byId(id));
}

function renderRunFindings(): void {
  const box = byId('run-findings');
  D.rows.forEach((r) => {
    box.appendChild(el('h3', null, r.label + ' \u2014 ' + verdictText(r)));
    if (r.reasons.length) {
      const rl = el('ul');
      r.reasons.forEach((x) => rl.appendChild(el('li', null, x)));
      box.appendChild(rl);
    }
    if (r.findings.length === 0) box.appendChild(el('p', 'muted', 'No findings.'));
    r.findings.forEach((f) => box.appendChild(findingCard(f)));
  });
}
