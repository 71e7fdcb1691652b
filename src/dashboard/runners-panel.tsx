import { Box, Text } from 'ink';
import type { RunnerLive } from '../results/live.js';
import { fit, formatCount, formatRate } from './model/format.js';
import { Paint } from './paint.js';

/** RUNNER_ROWS_MAX is how many runner rows the panel shows; the rest are summed in one line. */
export const RUNNER_ROWS_MAX = 5;

/** runnerPanelRows is how many screen rows the panel takes (0 without runners). */
export function runnerPanelRows(runners: readonly RunnerLive[] | undefined): number {
  if (!runners || runners.length === 0) return 0;
  return 1 + Math.min(RUNNER_ROWS_MAX, runners.length) + (runners.length > RUNNER_ROWS_MAX ? 1 : 0) + 1;
}

/** RunnersPanel shows the merged rate of `--runners N` and one row per runner; a lost runner is marked. */
export function RunnersPanel({ runners, columns }: { runners: readonly RunnerLive[]; columns: number }) {
  const nameWidth = Math.max(12, Math.min(40, columns - 52));
  const merged = runners.reduce((a, r) => a + r.sentPerSec, 0);
  const target = runners.reduce((a, r) => a + r.ratePerSec, 0);
  const lost = runners.filter((r) => r.lost).length;
  const shown = runners.slice(0, RUNNER_ROWS_MAX);
  const rest = runners.slice(RUNNER_ROWS_MAX);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text wrap="truncate-end">
        <Paint tone="dim">{'runners   '}</Paint>
        {`${runners.length} × ${formatRate(target / Math.max(1, runners.length))}/s  merged ${formatRate(merged)}/s of ${formatRate(target)}/s`}
        {lost > 0 ? <Paint tone="bad">{`  ${lost} LOST`}</Paint> : null}
      </Text>
      {shown.map((r) => (
        <Text key={r.index} wrap="truncate-end">
          <Paint tone="dim">{fit(`#${r.index}`, 4)}</Paint>
          {` ${fit(r.name, nameWidth)} ${fit(`${formatRate(r.sentPerSec)}/s`, 9, true)} ${fit(formatCount(r.ok), 8, true)} `}
          <Paint tone={r.failed > 0 ? 'bad' : 'plain'}>{fit(formatCount(r.failed), 7, true)}</Paint>
          {r.lost ? <Paint tone="bad">{'  LOST'}</Paint> : null}
        </Text>
      ))}
      {rest.length > 0 ? (
        <Text wrap="truncate-end">
          <Paint tone="dim">{`+${rest.length} more runners: ${formatRate(rest.reduce((a, r) => a + r.sentPerSec, 0))}/s, ${rest.filter((r) => r.lost).length} lost`}</Paint>
        </Text>
      ) : null}
    </Box>
  );
}
