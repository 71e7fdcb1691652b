import { decideVerdict, uncountedNote } from '../analysis/verdict.js';
import { formatAt, plural } from '../analysis/format.js';
import type { BaselineComparison } from '../analysis/regression.js';
import { formatMetricValue } from '../analysis/regression.js';
import type { Results, Thresholds } from '../results/types.js';

/** JunitCase is one test case: passed, failed (with a message and details) or in error (the run could not judge). */
export interface JunitCase {
  classname: string;
  name: string;
  timeSec: number;
  failure?: { type: string; message: string; details: string };
  error?: { type: string; message: string };
  out?: string;
}

/** JunitRun is one run to report as a test suite; comparison is set when it was judged against a baseline. */
export interface JunitRun {
  results: Results;
  comparison?: BaselineComparison;
}

const THRESHOLD_FLAGS: Array<[keyof Thresholds, string]> = [
  ['maxErrors', 'max-errors'],
  ['maxErrorRate', 'max-error-rate'],
  ['maxP99Ms', 'max-p99'],
  ['maxOutageMs', 'max-outage'],
];

/** formatJunit writes the runs as JUnit XML: one <testsuite> per run inside one <testsuites>, as GitLab and Jenkins read it. */
export function formatJunit(runs: readonly JunitRun[]): string {
  const suites = runs.map((r) => ({ name: suiteName(r.results), results: r.results, cases: junitCases(r) }));
  const count = (pick: (c: JunitCase) => unknown): number => suites.reduce((n, s) => n + s.cases.filter(pick).length, 0);
  const totalSec = suites.reduce((t, s) => t + s.results.meta.durationMs / 1000, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rollcheck" tests="${count(() => true)}" failures="${count((c) => c.failure)}" errors="${count((c) => c.error)}" time="${seconds(totalSec)}">`,
  ];
  for (const s of suites) {
    const failures = s.cases.filter((c) => c.failure).length;
    const errors = s.cases.filter((c) => c.error).length;
    lines.push(
      `  <testsuite name="${attr(s.name)}" tests="${s.cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(s.results.meta.durationMs / 1000)}" timestamp="${attr(s.results.meta.startedAt.replace(/Z$/, ''))}">`,
      '    <properties>',
      ...Object.entries(suiteProperties(s.results)).map(([k, v]) => `      <property name="${attr(k)}" value="${attr(v)}"/>`),
      '    </properties>',
      ...s.cases.map(caseXml),
      '  </testsuite>',
    );
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/** junitCases lists one run's cases: each threshold, each regression metric, the rollout, each phase, each scenario step, each finding. */
export function junitCases(run: JunitRun): JunitCase[] {
  return [...verdictCases(run.results), ...baselineCases(run.comparison), ...phaseCases(run.results), ...stepCases(run.results), ...findingCases(run.results)];
}

function verdictCases(r: Results): JunitCase[] {
  const v = r.analysis?.verdict;
  if (!v) return [];
  const th = v.thresholds;
  const longestOutageMs = r.analysis?.longestOutageMs ?? 0;
  const cases: JunitCase[] = [];
  for (const [key, flag] of THRESHOLD_FLAGS) {
    if (th[key] === undefined) continue;
    // The same check the verdict made, one threshold at a time, so each case passes or fails on its own.
    const uncounted = v.uncounted !== undefined ? { uncounted: v.uncounted } : {};
    const one = decideVerdict({ totals: r.totals, longestOutageMs, findings: [], thresholds: { [key]: th[key] }, ...uncounted });
    const reason = one.reasons[0] ?? '';
    cases.push({ classname: 'rollcheck.verdict', name: `--${flag}`, timeSec: 0, ...(one.pass ? { out: reason } : { failure: { type: 'threshold', message: reason, details: reason } }) });
  }
  if (v.inconclusive !== undefined) {
    cases.push({ classname: 'rollcheck.verdict', name: 'the run could judge the rollout', timeSec: 0, error: { type: 'inconclusive', message: v.inconclusive } });
  }
  return cases;
}

function baselineCases(c: BaselineComparison | undefined): JunitCase[] {
  if (!c) return [];
  return c.changes
    .filter((m) => m.allowance !== undefined)
    .map((m) => {
      const text = `${m.metric}: ${formatMetricValue(m.unit, m.current)} against ${formatMetricValue(m.unit, m.baseline)} in the baseline (allowed: ${m.allowance ?? ''})`;
      const reason = c.regressions.find((x) => x.includes(`--max-regression ${m.metric}=`)) ?? text;
      return { classname: 'rollcheck.baseline', name: m.metric, timeSec: 0, ...(m.regressed ? { failure: { type: 'regression', message: reason, details: text } } : { out: text }) };
    });
}

function phaseCases(r: Results): JunitCase[] {
  const rolloutFailed = r.events.find((e) => e.kind === 'rollout-failed');
  const endMs = r.meta.recordedToMs ?? r.meta.durationMs;
  // One case per phase: a phase marked again (each scenario step marks its own) is one span; an empty one is none.
  const spans: Array<{ phase: string; fromMs: number; toMs: number }> = [];
  r.meta.phases.forEach((p, i) => {
    const toMs = Math.min(r.meta.phases[i + 1]?.atMs ?? endMs, endMs);
    const last = spans[spans.length - 1];
    if (last?.phase === p.phase) last.toMs = toMs;
    else spans.push({ phase: p.phase, fromMs: p.atMs, toMs });
  });
  return spans.flatMap((p): JunitCase[] => {
    if (p.phase === 'warmup' || p.phase === 'stopping' || p.toMs <= p.fromMs) return [];
    const failed = r.failures.filter((f) => f.endAtMs >= p.fromMs && f.endAtMs < p.toMs).length;
    const out = `${formatAt(p.fromMs)} to ${formatAt(p.toMs)}: ${plural(failed, 'failed request')}`;
    const base: JunitCase = { classname: 'rollcheck.rollout', name: p.phase, timeSec: (p.toMs - p.fromMs) / 1000, out };
    if (p.phase === 'rollout' && rolloutFailed?.kind === 'rollout-failed') {
      return [{ ...base, failure: { type: 'rollout-failed', message: `the rollout did not complete: ${rolloutFailed.reason}`, details: out } }];
    }
    return [base];
  });
}

function stepCases(r: Results): JunitCase[] {
  return (r.scenario?.steps ?? []).map((s) => {
    const name = `${s.index + 1}. ${s.step}`;
    const left = s.uncounted ? ` (${uncountedNote(s.uncounted.neverProcessed)})` : '';
    const out = `${formatAt(s.startMs)} to ${formatAt(s.endMs)}: ${s.failures} failed of ${s.completed} completed${left}`;
    const base = { classname: 'rollcheck.scenario', name, timeSec: Math.max(0, s.endMs - s.startMs) / 1000 };
    if (s.pass) return { ...base, out };
    const message = s.error ?? s.reasons.join('; ');
    return { ...base, failure: { type: s.ok ? 'step-verdict' : 'step-failed', message, details: [out, ...s.reasons].join('\n') } };
  });
}

function findingCases(r: Results): JunitCase[] {
  return (r.analysis?.findings ?? []).map((f) => {
    const details = [...f.evidence.map((e) => `evidence: ${e}`), `fix: ${f.fix}`, ...(f.pods.length ? [`pods: ${f.pods.join(', ')}`] : [])].join('\n');
    const base = { classname: 'rollcheck.findings', name: f.id, timeSec: 0 };
    if (f.severity === 'info') return { ...base, out: `${f.title}\n${details}` };
    return { ...base, failure: { type: f.severity, message: `${f.title} (${plural(f.failures, 'failure')}). Fix: ${f.fix}`, details } };
  });
}

function caseXml(c: JunitCase): string {
  const open = `    <testcase classname="${attr(c.classname)}" name="${attr(c.name)}" time="${seconds(c.timeSec)}"`;
  const body: string[] = [];
  if (c.failure) body.push(`      <failure type="${attr(c.failure.type)}" message="${attr(c.failure.message)}">${text(c.failure.details)}</failure>`);
  if (c.error) body.push(`      <error type="${attr(c.error.type)}" message="${attr(c.error.message)}"/>`);
  if (c.out !== undefined) body.push(`      <system-out>${text(c.out)}</system-out>`);
  return body.length === 0 ? `${open}/>` : [`${open}>`, ...body, '    </testcase>'].join('\n');
}

function suiteName(r: Results): string {
  const variant = typeof r.meta.params.variant === 'string' ? ` ${r.meta.params.variant}` : '';
  return `rollcheck ${r.meta.command}${variant} ${r.meta.target}`.trim();
}

function suiteProperties(r: Results): Record<string, string> {
  return {
    command: r.meta.command,
    mode: r.meta.mode,
    target: r.meta.target,
    verdict: verdictWord(r),
    stopReason: r.meta.stopReason,
    sent: String(r.totals.sent),
    ok: String(r.totals.ok),
    failed: String(r.totals.failed),
    rollcheckVersion: r.meta.tool.version,
  };
}

/** verdictWord is PASS, FAIL or INCONCLUSIVE (or NOT ANALYSED for a file without analysis). */
export function verdictWord(r: Results): string {
  const v = r.analysis?.verdict;
  if (!v) return 'NOT ANALYSED';
  if (v.pass) return 'PASS';
  return v.inconclusive !== undefined ? 'INCONCLUSIVE' : 'FAIL';
}

function seconds(sec: number): string {
  return sec.toFixed(3);
}

// XML 1.0 allows tab, newline, carriage return and U+0020 up; other control characters cannot appear even escaped.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function text(s: string): string {
  return s.replace(NOT_XML, '?').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
