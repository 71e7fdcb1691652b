import type { Results } from '../results/types.js';
import { loadReportAssets } from './assets.js';
import { clientScript } from './client-script.js';
import { jsonForScript, safeInlineScript } from './escape.js';
import { buildReportData } from './report-data.js';

/** PAGE_CSS is the report's own style (uPlot's CSS is inlined next to it). */
export const PAGE_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222; background: #fafafa; }
main { max-width: 1440px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 20px; margin: 8px 0 2px; word-break: break-all; }
h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 14px; margin: 0 0 6px; }
.muted, #subtitle { color: #666; }
.verdict { border-radius: 6px; padding: 10px 14px; margin: 12px 0; border: 1px solid #ccc; background: #fff; }
.verdict.pass { border-color: #31a354; background: #edf8e9; }
.verdict.fail { border-color: #d62728; background: #fdecea; }
.verdict-head { font-weight: 700; font-size: 18px; }
.verdict ul { margin: 4px 0; }
dl#figures { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dt { font-weight: 600; } dd { margin: 0; word-break: break-all; }
.finding { background: #fff; border: 1px solid #ddd; border-left: 5px solid #999; border-radius: 4px; padding: 10px 14px; margin: 10px 0; }
.finding.critical { border-left-color: #d62728; } .finding.warning { border-left-color: #ff7f0e; } .finding.info { border-left-color: #3182bd; }
.finding .sev { text-transform: uppercase; font-size: 11px; margin-right: 8px; color: #fff; background: #999; border-radius: 3px; padding: 1px 5px; }
.finding.critical .sev { background: #d62728; } .finding.warning .sev { background: #ff7f0e; } .finding.info .sev { background: #3182bd; }
.finding code { margin-right: 6px; }
.fix { background: #f3f8f1; padding: 6px 8px; border-radius: 4px; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 5px; border-radius: 2px; vertical-align: baseline; }
.swatch.tick { width: 3px; height: 12px; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; }
#charts > div { margin-bottom: 8px; background: #fff; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 12px; }
th, td { border-bottom: 1px solid #eee; padding: 3px 6px; text-align: left; vertical-align: top; word-break: break-word; }
#failure-rows td:nth-child(2), #failure-rows td:nth-child(5), #failure-rows td:nth-child(6) { white-space: nowrap; }
#failure-rows td:nth-child(8) { min-width: 40%; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.filters { margin: 6px 0; display: flex; gap: 12px; align-items: center; }
`;

/** HEAD_CSP forbids every fetch at view time: the page only runs its own inline script and styles. */
export const HEAD_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'";

const BODY = `<main>
<h1 id="title">rollcheck report</h1>
<div id="subtitle"></div>
<section id="verdict" class="verdict"></section>
<section><h2>Run</h2><dl id="figures"></dl><ul id="kinds" class="legend"></ul></section>
<section><h2>Findings</h2><div id="findings"></div></section>
<section id="scenario-section" hidden><h2>Scenario steps</h2><div id="scenario-steps"></div></section>
<section id="rollout-steps-section" hidden><h2>Rollout steps</h2><p class="muted">Each step of the progressive rollout, judged on its own; tinted bands on the timeline.</p><div id="rollout-steps"></div></section>
<section id="nodes-section" hidden><h2>Nodes</h2><p id="nodes-note" class="muted"></p><div id="nodes-table"></div></section>
<section><h2>Timeline</h2>
<p class="muted">Shaded: outage windows (failures outnumber successes). Dashed lines: rollout and scenario steps.</p>
<div id="charts"><div id="chart-rate"></div><div id="chart-lag"></div><div id="chart-failures"></div><div id="chart-pods"></div><ul id="lane-legend" class="legend"></ul><div id="chart-pdb"></div><div id="chart-conns"></div><ul id="conn-legend" class="legend"></ul><div id="chart-share"></div><div id="chart-latency"></div></div>
</section>
<section><h2>Outage windows</h2><div id="windows"></div></section>
<section><h2>Failures</h2>
<div class="filters"><label>kind <select id="filter-kind"><option value="*">all</option></select></label>
<label>pod <select id="filter-pod"><option value="*">all</option></select></label><span id="failure-count" class="muted"></span></div>
<table><thead><tr><th>t (s)</th><th>kind</th><th>detail</th><th>pod</th><th>conn</th><th>pool</th><th>latency ms</th><th>why</th></tr></thead>
<tbody id="failure-rows"></tbody></table>
</section>
</main>`;

/** pageShell wraps a body and a script with the inlined uPlot, the data block and the CSP. */
export function pageShell(data: unknown, body: string, script: string, css: string): string {
  const assets = loadReportAssets();
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${HEAD_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>rollcheck report</title>',
    `<style>/* uPlot ${assets.uplotVersion} (MIT) */\n${assets.uplotCss}</style>`,
    `<style>${css}</style>`,
    '</head><body>',
    body,
    `<script type="application/json" id="rollcheck-data">${jsonForScript(data)}</script>`,
    `<script>/* uPlot ${assets.uplotVersion} (MIT), https://github.com/leeoniya/uPlot */\n${safeInlineScript(assets.uplotJs)}</script>`,
    `<script>${safeInlineScript(script)}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** renderReport turns one results object into a self-contained HTML page (nothing is fetched when it is viewed). */
export function renderReport(results: Results): string {
  return pageShell(buildReportData(results), BODY, clientScript('report-page'), PAGE_CSS);
}
