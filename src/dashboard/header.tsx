import { Box, Text } from 'ink';
import type { LiveSnapshot } from '../results/live.js';
import type { Phase, Thresholds } from '../results/types.js';
import type { DashboardFinal } from './final-info.js';
import { ellipsize, formatSpan } from './model/format.js';
import { verdictSoFar } from './model/verdict-so-far.js';
import { Paint } from './paint.js';

/** HeaderProps is what the header shows. */
export interface HeaderProps {
  title: string;
  snapshot: LiveSnapshot;
  nowMs: number;
  thresholds?: Thresholds;
  columns: number;
  quitting: boolean;
  final?: DashboardFinal;
}

const PHASE_LABEL: Record<Phase, string> = {
  warmup: 'warm-up',
  baseline: 'baseline',
  rollout: 'rollout',
  cooldown: 'cool-down',
  steady: 'steady',
  scenario: 'scenario',
  stopping: 'stopping',
};

/** Header shows the run at a glance: what, where, how long, which phase, and the verdict so far. */
export function Header({
  title,
  snapshot,
  nowMs,
  thresholds,
  columns,
  quitting,
  final,
}: HeaderProps) {
  const elapsedMs = final ? final.results.meta.durationMs : nowMs;
  const phase = final
    ? final.results.meta.interrupted
      ? 'interrupted'
      : 'finished'
    : quitting
      ? 'stopping (quit)'
      : PHASE_LABEL[snapshot.phase];
  const right = `elapsed ${formatSpan(elapsedMs)}`;
  const left = ellipsize(
    title.startsWith('rollcheck') ? title : `rollcheck · ${title}`,
    columns - right.length - 2,
  );
  const fixed = `  mode ${snapshot.mode}  phase ${phase}`;
  const target = ellipsize(
    snapshot.target,
    Math.max(10, columns - fixed.length - 'target '.length),
  );
  return (
    <Box flexDirection="column">
      <Box justifyContent="space-between">
        <Text wrap="truncate-end">
          <Paint tone="strong">{left}</Paint>
        </Text>
        <Text>{right}</Text>
      </Box>
      <Text wrap="truncate-end">
        <Paint tone="dim">target </Paint>
        {target}
        <Paint tone="dim">{'  mode '}</Paint>
        {snapshot.mode}
        <Paint tone="dim">{'  phase '}</Paint>
        <Paint tone={quitting || final ? 'warn' : 'accent'}>{phase}</Paint>
      </Text>
      {final ? (
        <FinalVerdict final={final} />
      ) : (
        <RunningVerdict snapshot={snapshot} thresholds={thresholds} />
      )}
    </Box>
  );
}

function RunningVerdict({
  snapshot,
  thresholds,
}: {
  snapshot: LiveSnapshot;
  thresholds?: Thresholds;
}) {
  const v = verdictSoFar(snapshot.totals, thresholds);
  return (
    <Text wrap="truncate-end">
      <Paint tone="dim">verdict so far </Paint>
      <Paint tone={v.failing ? 'bad' : snapshot.totals.failed > 0 ? 'warn' : 'good'}>
        {v.text}
      </Paint>
    </Text>
  );
}

function FinalVerdict({ final }: { final: DashboardFinal }) {
  const verdict = final.results.analysis?.verdict;
  if (!verdict) {
    return (
      <Text wrap="truncate-end">
        <Paint tone="dim">verdict </Paint>
        <Paint tone="warn">not analysed</Paint>
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end">
      <Paint tone="dim">verdict </Paint>
      <Paint tone={verdict.pass ? 'good' : verdict.inconclusive !== undefined ? 'warn' : 'bad'}>
        {verdict.pass ? 'PASS' : verdict.inconclusive !== undefined ? 'INCONCLUSIVE' : 'FAIL'}
      </Paint>
      {verdict.reasons[0] ? ` ${verdict.reasons[0]}` : ''}
    </Text>
  );
}
