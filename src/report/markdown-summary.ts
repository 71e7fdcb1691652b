import { formatDuration, plural } from '../analysis/format.js';
import { findIncarnations, labelAt, labelIncarnations } from '../analysis/incarnations.js';
import { errorRate, formatRate } from '../analysis/verdict.js';
import { formatMetricValue, type BaselineComparison } from '../analysis/regression.js';
import type { Results } from '../results/types.js';
import { FAILURE_KINDS } from '../results/types.js';
import { verdictWord } from './junit-xml.js';

/** MarkdownOptions: the baseline comparison to show, and how many pods the table lists at most. */
export interface MarkdownOptions {
  comparison?: BaselineComparison;
  maxPods?: number;
}

const ICON: Record<string, string> = { PASS: '✅', FAIL: '❌', INCONCLUSIVE: '⚠️', 'NOT ANALYSED': '❔' };

/**
 * formatMarkdownSummary is one run as GitHub-flavoured Markdown, short enough
 * for a PR comment or a job summary: verdict and why, counts, outage, findings
 * with their fixes, a small per-pod table, and the diff against a baseline.
 */
export function formatMarkdownSummary(r: Results, options: MarkdownOptions = {}): string {
  const word = verdictWord(r);
  const variant = typeof r.meta.params.variant === 'string' ? ` (${r.meta.params.variant})` : '';
  const out = [`### ${ICON[word] ?? ''} rollcheck ${md(r.meta.command)}${md(variant)}: ${word}`, ''];
  out.push(`${md(r.meta.target)} · ${r.meta.startedAt} · ${formatDuration(r.meta.durationMs)} · ${md(r.meta.stopReason)}`, '');
  const reasons = r.analysis?.verdict.reasons ?? [];
  if (reasons.length) out.push(...reasons.map((x) => `- ${md(x)}`), '');
  const t = r.totals;
  const a = r.analysis;
  out.push(
    '| sent | ok | failed | error rate | longest outage | total outage | p99 |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${t.sent} | ${t.ok} | ${t.failed} | ${formatRate(errorRate(t))} | ${formatDuration(a?.longestOutageMs ?? 0)} | ${formatDuration(a?.totalOutageMs ?? 0)} | ${formatDuration(t.latency.p99Us / 1000)} |`,
    '',
  );
  const kinds = FAILURE_KINDS.filter((k) => t.byKind[k]).map((k) => `${k} ${t.byKind[k]}`);
  if (kinds.length) out.push(`Failures by kind: ${kinds.join(' · ')}`, '');
  out.push(...findingLines(r), ...podTable(r, options.maxPods ?? 8), ...baselineTable(options.comparison));
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function findingLines(r: Results): string[] {
  const findings = r.analysis?.findings ?? [];
  if (findings.length === 0) return [];
  const out = ['**Findings**', ''];
  for (const f of findings) {
    out.push(`- **${md(f.id)}** (${f.severity}, ${plural(f.failures, 'failure')}): ${md(f.title)}`);
    for (const e of f.evidence.slice(0, 2)) out.push(`  - ${md(e)}`);
    out.push(`  - **fix:** ${md(f.fix)}`);
  }
  out.push('');
  return out;
}

interface PodRow {
  pod: string;
  ok: number;
  failed: number;
  end: string;
}

// One row per pod incarnation (`demo-0 (2)`): events by their label, answers by the pod of that name answering then.
function podTable(r: Results, maxPods: number): string[] {
  const byName = findIncarnations(r.events);
  const rows = new Map<string, PodRow>();
  const row = (pod: string): PodRow => {
    let x = rows.get(pod);
    if (!x) rows.set(pod, (x = { pod, ok: 0, failed: 0, end: '' }));
    return x;
  };
  for (const e of labelIncarnations(r.events)) {
    if (e.kind === 'pod-created') row(e.pod);
    if (e.kind === 'exited') {
      const how = e.signal !== null ? `killed by ${e.signal}` : `exit ${e.exitCode ?? '?'}`;
      row(e.pod).end = e.afterSigtermMs !== null ? `${how}, ${formatDuration(e.afterSigtermMs)} after SIGTERM` : how;
    }
  }
  for (const i of r.intervals) for (const [pod, n] of Object.entries(i.okByPod)) row(labelAt(byName, pod, i.atMs)).ok += n;
  for (const at of r.analysis?.attributions ?? []) if (at.pod !== undefined) row(at.pod).failed += 1;
  if (rows.size === 0) return [];
  // The pods with failures first: they are what the reader came for.
  const sorted = [...rows.values()].sort((a, b) => b.failed - a.failed || a.pod.localeCompare(b.pod));
  const shown = sorted.slice(0, maxPods);
  const out = ['| pod | ok | failed | ended |', '|---|---:|---:|---|', ...shown.map((p) => `| ${cell(p.pod)} | ${p.ok} | ${p.failed} | ${cell(p.end || 'running')} |`)];
  if (sorted.length > shown.length) out.push('', `…and ${plural(sorted.length - shown.length, 'more pod')}`);
  out.push('');
  return out;
}

function baselineTable(c: BaselineComparison | undefined): string[] {
  if (!c) return [];
  const out = ['**Against the baseline**', '', '| metric | baseline | this run | allowed | |', '|---|---:|---:|---:|---|'];
  for (const m of c.changes) {
    const mark = m.allowance === undefined ? '' : m.regressed ? '❌ regressed' : '✅';
    out.push(`| ${m.metric} | ${formatMetricValue(m.unit, m.baseline)} | ${formatMetricValue(m.unit, m.current)} | ${m.allowance ?? '—'} | ${mark} |`);
  }
  if (c.newFindings.length) out.push('', `New findings: ${c.newFindings.join(', ')}`);
  out.push('');
  return out;
}

// GitHub renders HTML inside Markdown: text from a run (pod names, error messages) must not become markup.
function md(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

function cell(s: string): string {
  return md(s).replace(/\|/g, '\\|');
}
