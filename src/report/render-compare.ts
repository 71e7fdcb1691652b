import type { Results } from '../results/types.js';
import { buildCompareData } from './compare-data.js';
import { clientScript } from './client-script.js';
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

const CSS = `${PAGE_CSS}
.pass-text { color: #31a354; font-weight: 700; } .fail-text { color: #d62728; font-weight: 700; } .unsure-text { color: #b8860b; font-weight: 700; }
`;

/** renderCompareReport puts two or more runs on one self-contained page: a table, shared-axis charts, findings per run. */
export function renderCompareReport(runs: Results[], options: { labels?: string[] } = {}): string {
  return pageShell(buildCompareData(runs, options.labels), BODY, clientScript('compare-page'), CSS);
}
