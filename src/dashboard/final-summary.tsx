import { Box, Text } from 'ink';
import { FAILURE_KINDS, type Results } from '../results/types.js';
import type { DashboardFinal } from './final-info.js';
import { formatCount, formatLatencyUs, formatSpan } from './model/format.js';
import { KIND_STYLE } from '../results/kind-style.js';
import { Paint } from './paint.js';

const MAX_FINDINGS = 3;

/** summaryRowCount is how many rows FinalSummary takes, for the layout. */
export function summaryRowCount(final: DashboardFinal): number {
  const a = final.results.analysis;
  const findings = a
    ? Math.min(MAX_FINDINGS, a.findings.length) + (a.findings.length > MAX_FINDINGS ? 1 : 0)
    : 0;
  return (
    2 +
    (a ? 1 : 0) +
    findings +
    1 +
    (final.reportPath ? 1 : 0) +
    (final.results.meta.stopReason ? 1 : 0)
  );
}

/** FinalSummary stays on screen after the run: totals, outage, findings, and where the files are. */
export function FinalSummary({ final }: { final: DashboardFinal }) {
  const { results } = final;
  const a = results.analysis;
  return (
    <Box flexDirection="column">
      <Text>
        <Paint tone="strong">summary</Paint>
      </Text>
      <Text wrap="truncate-end">{totalsLine(results)}</Text>
      {results.meta.stopReason ? (
        <Text wrap="truncate-end">
          <Paint tone="dim">{'stopped   '}</Paint>
          {results.meta.stopReason}
        </Text>
      ) : null}
      {a ? (
        <Text wrap="truncate-end">
          <Paint tone="dim">{'outage    '}</Paint>
          <Paint tone={a.totalOutageMs > 0 ? 'bad' : 'good'}>
            {a.windows.length === 0
              ? 'none'
              : `${a.windows.length} window(s), ${formatSpan(a.totalOutageMs)} in all, longest ${formatSpan(a.longestOutageMs)}`}
          </Paint>
        </Text>
      ) : null}
      {a?.findings.slice(0, MAX_FINDINGS).map((f) => (
        <Text key={f.id} wrap="truncate-end">
          <Paint
            tone={f.severity === 'critical' ? 'bad' : f.severity === 'warning' ? 'warn' : 'dim'}
          >{`${f.severity.padEnd(9)} `}</Paint>
          {f.title}
        </Text>
      ))}
      {a && a.findings.length > MAX_FINDINGS ? (
        <Paint tone="dim">{`          +${a.findings.length - MAX_FINDINGS} more findings in the report`}</Paint>
      ) : null}
      <Text wrap="truncate-end">
        <Paint tone="dim">{'results   '}</Paint>
        {final.resultsPath}
      </Text>
      {final.reportPath ? (
        <Text wrap="truncate-end">
          <Paint tone="dim">{'report    '}</Paint>
          {final.reportPath}
        </Text>
      ) : null}
    </Box>
  );
}

function totalsLine(r: Results): string {
  const t = r.totals;
  const kinds = FAILURE_KINDS.filter((k) => (t.byKind[k] ?? 0) > 0).map(
    (k) => `${KIND_STYLE[k].short} ${formatCount(t.byKind[k] ?? 0)}`,
  );
  const failed =
    kinds.length > 0 ? `failed ${formatCount(t.failed)} (${kinds.join(', ')})` : 'failed 0';
  return `sent ${formatCount(t.sent)}  ok ${formatCount(t.ok)}  ${failed}  ${t.achievedRatePerSec} req/s  p99 ${formatLatencyUs(t.latency.p99Us)}`;
}
