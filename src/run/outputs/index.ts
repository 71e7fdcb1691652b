// outputs/ is the output seam: each place a run's results go is an Output the run calls in a loop
// (results file, HTML report, terminal summary, and what flags add). It imports from run/ and below only.
export { createOutputSet, type FinishedRun, type Output, type OutputSet, type Written } from './output.js';
export { resultsFileOutput, checkFolder } from './results-file.js';
export { htmlReportOutput } from './html-report.js';
export { terminalSummaryOutput, type TerminalSummaryOptions } from './terminal-summary.js';
export { junitOutput } from './junit-output.js';
export { markdownOutput, type MarkdownOutputOptions } from './markdown-output.js';
export { annotationsOutput } from './annotations-output.js';
export { baselineJudge, loadBaseline, type Baseline } from './baseline-judge.js';
export { metricsOutput, type MetricsOutputOptions } from './metrics-output.js';
