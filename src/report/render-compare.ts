import type { Results } from '../results/types.js';
import { buildCompareData } from './compare-data.js';
import { PAGE_CSS, pageShell } from './render-report.js';

const BODY = `<main>
<h1 id="title">rollcheck compare</h1>
<div id="subtitle"></div>
<section><h2>Runs side by side</h2>
<table><thead><tr><th>run</th><th>verdict</th><th>failed</th><th>error rate</th><th>by kind</th><th>longest outage</th><th>p99</th><th>findings</th></tr></thead>
<tbody id="compare-rows"></tbody></table></section>
<section><h2>Timeline</h2><p class="muted" id="x-note"></p>
<div id="charts"><div id="chart-failed"></div><div id="chart-ok"></div><div id="chart-p99"></div></div></section>
<section><h2>Findings per run</h2><div id="run-findings"></div></section>
</main>`;

const SCRIPT = String.raw`
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('rollcheck-data').textContent);
  var COLORS = ['#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined && text !== null) e.textContent = String(text); return e; }
  function $(id) { return document.getElementById(id); }
  function fmtMs(ms) { return ms === null ? '\u2013' : ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(1) + ' s'; }
  document.title = 'rollcheck compare: ' + D.rows.map(function (r) { return r.label; }).join(' vs ');
  $('subtitle').textContent = D.rows.length + ' runs';
  $('x-note').textContent = 'Each run on its own clock, lined up at 0 = ' + D.xLabel.replace('s since ', '') + '.';
  var body = $('compare-rows');
  D.rows.forEach(function (r, i) {
    var tr = el('tr');
    var name = el('td'); var sw = el('span', 'swatch'); sw.style.background = COLORS[i % COLORS.length];
    name.appendChild(sw); name.appendChild(el('b', null, r.label)); name.appendChild(el('div', 'muted', r.target));
    tr.appendChild(name);
    tr.appendChild(el('td', r.pass === null ? 'muted' : r.pass ? 'pass-text' : 'fail-text', r.pass === null ? 'not analysed' : r.pass ? 'PASS' : 'FAIL'));
    tr.appendChild(el('td', 'num', r.failed + ' of ' + r.sent));
    tr.appendChild(el('td', 'num', (r.errorRate * 100).toFixed(3) + '%'));
    tr.appendChild(el('td', null, Object.keys(r.byKind).map(function (k) { return r.byKind[k] + ' ' + k; }).join(', ') || '\u2013'));
    tr.appendChild(el('td', 'num', r.longestOutageMs === 0 ? 'none' : fmtMs(r.longestOutageMs)));
    tr.appendChild(el('td', 'num', (r.p99Us / 1000).toFixed(1) + ' ms'));
    tr.appendChild(el('td', null, r.findings.map(function (f) { return f.id; }).join(', ') || 'none'));
    tr.setAttribute('data-run', r.label);
    body.appendChild(tr);
  });
  function chart(id, title, yLabel, data) {
    var opts = { title: title, width: Math.max(600, Math.min(1400, $('charts').clientWidth - 10)), height: 220,
      scales: { x: { time: false } }, cursor: { sync: { key: 'compare' } },
      axes: [{ label: D.xLabel }, { label: yLabel, size: 80 }],
      series: [{}].concat(D.rows.map(function (r, i) { return { label: r.label, stroke: COLORS[i % COLORS.length], width: 1.5 }; })) };
    new uPlot(opts, [D.t].concat(data), $(id));
  }
  chart('chart-failed', 'Failures per second', 'failures/s', D.failed);
  chart('chart-ok', 'Ok responses per second', 'ok/s', D.ok);
  chart('chart-p99', 'p99 latency of ok responses (ms)', 'ms', D.p99);
  var box = $('run-findings');
  D.rows.forEach(function (r) {
    box.appendChild(el('h3', null, r.label + ' \u2014 ' + (r.pass === null ? 'not analysed' : r.pass ? 'PASS' : 'FAIL')));
    if (r.reasons.length) { var rl = el('ul'); r.reasons.forEach(function (x) { rl.appendChild(el('li', null, x)); }); box.appendChild(rl); }
    if (r.findings.length === 0) box.appendChild(el('p', 'muted', 'No findings.'));
    r.findings.forEach(function (f) {
      var card = el('article', 'finding ' + f.severity); card.setAttribute('data-finding', f.id);
      var h = el('h3'); h.appendChild(el('span', 'sev', f.severity)); h.appendChild(el('code', null, f.id)); h.appendChild(document.createTextNode(' ' + f.title));
      card.appendChild(h);
      var ul = el('ul'); f.evidence.forEach(function (e) { ul.appendChild(el('li', null, e)); }); card.appendChild(ul);
      var fix = el('p', 'fix'); fix.appendChild(el('b', null, 'Fix: ')); fix.appendChild(document.createTextNode(f.fix)); card.appendChild(fix);
      box.appendChild(card);
    });
  });
  document.body.setAttribute('data-rendered', 'true');
})();
`;

const CSS = `${PAGE_CSS}
.pass-text { color: #31a354; font-weight: 700; } .fail-text { color: #d62728; font-weight: 700; }
`;

/** renderCompareReport puts two or more runs on one self-contained page: a table, shared-axis charts, findings per run. */
export function renderCompareReport(runs: Results[], options: { labels?: string[] } = {}): string {
  return pageShell(buildCompareData(runs, options.labels), BODY, SCRIPT, CSS);
}
