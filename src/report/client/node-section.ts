import type { ReportData } from '../report-data.js';
import type { ChartKit } from './connection-charts.js';
import { byId, el } from './dom.js';

// Budget colours, in the order the budgets first reported.
const BUDGET_COLORS = ['#6a51a3', '#e7298a', '#1b9e77', '#d95f02'];

/** renderBudgetChart draws each PodDisruptionBudget's disruptionsAllowed as a step line on the common time axis (nothing without budget status). */
export function renderBudgetChart(D: ReportData, kit: ChartKit): void {
  const B = D.nodes?.budgets;
  if (!B) return;
  const top = Math.max(1, ...B.budgets.flatMap((b) => b.allowed.map((v) => v ?? 0)));
  const o = kit.base('PodDisruptionBudget: disruptions allowed (an eviction beyond it gets 429)', 150, 'allowed');
  o.scales = { ...o.scales, y: { range: [0, top + 1] } };
  o.axes = [o.axes?.[0] ?? {}, { label: 'allowed', size: kit.axisSize, splits: () => Array.from({ length: top + 2 }, (_, i) => i) }];
  o.series = [{}, ...B.budgets.map((b, i): uPlot.Series => ({
    label: 'PDB ' + b.name, stroke: BUDGET_COLORS[i % BUDGET_COLORS.length] ?? '#888', width: 2, paths: uPlot.paths.stepped?.({ align: 1 }),
  }))];
  kit.chart(o, [B.t, ...B.budgets.map((b) => b.allowed)], 'chart-pdb');
}

/** renderNodeTable fills the per-node table: pods before and after, evictions, refusals with the budgets that refused, failures on its pods, the drain (the section stays hidden without nodes). */
export function renderNodeTable(D: ReportData): void {
  const N = D.nodes;
  if (!N) return;
  byId('nodes-section').hidden = false;
  byId('nodes-note').textContent =
    'Pods before: on the node at ' + N.beforeAtS.toFixed(1) + ' s (' + (N.table.some((r) => r.drain) ? 'the first drain began' : 'recording began') +
    '); after: at ' + N.afterAtS.toFixed(1) + ' s (recording ended). Failures: requests answered by, or cut on, the node\u2019s pods.';
  const table = el('table');
  const head = el('tr');
  ['node', 'pods before', 'pods after', 'evicted', 'refused (429)', 'failures', 'drain (s)', 'drain took'].forEach((h) => head.appendChild(el('th', null, h)));
  table.appendChild(head);
  N.table.forEach((r) => {
    const tr = el('tr');
    tr.setAttribute('data-node', r.node);
    tr.appendChild(el('td', null, r.node));
    tr.appendChild(el('td', 'num', r.before));
    tr.appendChild(el('td', 'num', r.after));
    tr.appendChild(el('td', 'num', r.evicted));
    const refused = r.refusedUnseen && r.refused === 0 ? "not seen (someone else's drain)" : r.refused + (r.refusedBy.length ? ' (PDB ' + r.refusedBy.join(', ') + ')' : '');
    tr.appendChild(el('td', 'num', refused));
    tr.appendChild(el('td', r.failures > 0 ? 'num fail' : 'num', r.failures));
    tr.appendChild(el('td', 'num', r.drain ? r.drain.s.toFixed(1) + ' \u2013 ' + (r.drain.e === null ? 'end' : r.drain.e.toFixed(1)) : '\u2013'));
    tr.appendChild(el('td', 'num', r.drain ? (r.drain.e === null ? 'not finished' : (r.drain.e - r.drain.s).toFixed(1) + ' s') : '\u2013'));
    table.appendChild(tr);
  });
  byId('nodes-table').appendChild(table);
}
