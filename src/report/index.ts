// report/ owns what a finished run looks like to people: the self-contained
// HTML report and compare report, and the terminal summary and compare table.
// It formats only: it reads a Results object (and its analysis) and must not
// do cluster or traffic work, import from cli/ commands, traffic/, cluster/
// implementations or dashboard/, nor fetch anything at view time. The pages'
// browser code is typed modules in client/ (DOM types, its own tsconfig), bundled
// by client-bundle.ts at build time (from source: on first use) and inlined by
// client-script.ts.
export { renderReport } from './render-report.js';
export { formatSummary, latencyText, type SummaryOptions } from './summary.js';
export { buildReportData, MAX_TABLE_ROWS, type ReportData } from './report-data.js';
export { escapeHtml, jsonForScript } from './escape.js';
export { renderCompareReport } from './render-compare.js';
export { formatCompareTable } from './compare-table.js';
export { buildCompareData, buildCompareRows, runLabel, type CompareRow } from './compare-data.js';
