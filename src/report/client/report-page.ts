// The report page's script: reads the embedded JSON and builds the page with
// textContent only (never innerHTML with data), then draws the charts with the
// inlined uPlot. Bundled into one inline script (src/report/client-bundle.ts).
import type { ReportData } from '../report-data.js';
import { readData } from './dom.js';
import { renderFailureTable } from './failure-table.js';
import { renderNodeTable } from './node-section.js';
import { createReportCharts } from './report-charts.js';
import { renderRolloutSteps } from './rollout-steps.js';
import { renderFigures, renderFindings, renderHeading, renderSteps, renderVerdict, renderWindows } from './report-sections.js';

const D = readData<ReportData>();
const charts = createReportCharts(D);
renderHeading(D);
renderVerdict(D);
renderFigures(D);
renderSteps(D);
renderRolloutSteps(D);
renderNodeTable(D);
renderFindings(D);
renderWindows(D);
charts.render();
renderFailureTable(D);
window.addEventListener('resize', () => charts.resize());
document.body.setAttribute('data-rendered', 'true');
