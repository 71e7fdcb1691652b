import { Box, Text } from 'ink';
import type { PodRow } from './model/pod-rows.js';
import { fit, formatCount, formatSpan } from './model/format.js';
import { Paint } from './paint.js';

/** PodsPanelProps is the pod rows that fit and how many did not. */
export interface PodsPanelProps {
  rows: PodRow[];
  hidden: number;
  columns: number;
}

// rev, state, for, ok, failed; each with its leading space.
const FIXED = 5 + 15 + 8 + 9 + 8;

/** podNameWidth is the name column: what the fixed columns (and a node column of `nodeWidth`) leave, between 16 and 48. */
export function podNameWidth(columns: number, nodeWidth = 0): number {
  return Math.max(16, Math.min(48, columns - FIXED - (nodeWidth > 0 ? nodeWidth + 1 : 0) - 1));
}

/** nodeColumnWidth is the NODE column's width: the longest node name (at most 16), or 0 when no pod has a node. */
export function nodeColumnWidth(rows: readonly PodRow[]): number {
  const longest = Math.max(0, ...rows.map((r) => r.node.length));
  return longest === 0 ? 0 : Math.min(16, Math.max(4, longest));
}

/** PodsPanel shows one row per pod; exited pods stay, dimmed, so the story of the rollout stays visible. */
export function PodsPanel({ rows, hidden, columns }: PodsPanelProps) {
  const nodeWidth = nodeColumnWidth(rows);
  const nameWidth = podNameWidth(columns, nodeWidth);
  const nodeHead = nodeWidth > 0 ? ` ${fit('NODE', nodeWidth)}` : '';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Paint tone="dim">{`${fit('POD', nameWidth)}${nodeHead} ${fit('REV', 4)} ${fit('STATE', 14)} ${fit('FOR', 7, true)} ${fit('OK', 8, true)} ${fit('FAILED', 7, true)}`}</Paint>
      </Text>
      {rows.length === 0 ? (
        <Text>
          <Paint tone="dim">no pods yet</Paint>
        </Text>
      ) : null}
      {rows.map((r) => (
        <PodLine key={r.pod} row={r} nameWidth={nameWidth} nodeWidth={nodeWidth} />
      ))}
      {hidden > 0 ? (
        <Text>
          <Paint tone="dim">{`+${hidden} more pods (exited)`}</Paint>
        </Text>
      ) : null}
    </Box>
  );
}

function PodLine({ row, nameWidth, nodeWidth }: { row: PodRow; nameWidth: number; nodeWidth: number }) {
  const stateTone =
    row.tone === 'gone' ? (row.state.startsWith('exited 0') ? 'dim' : 'bad') : row.tone;
  return (
    <Text wrap="truncate-end">
      <Paint dim={row.gone}>{fit(row.pod, nameWidth)}</Paint>
      {nodeWidth > 0 ? <Paint tone="dim">{` ${fit(row.node || '-', nodeWidth)}`}</Paint> : null}
      <Paint
        tone={row.revision === 'new' ? 'accent' : 'plain'}
        dim={row.gone}
      >{` ${fit(row.revision, 4)}`}</Paint>
      <Paint tone={stateTone} dim={row.gone}>{` ${fit(row.state, 14)}`}</Paint>
      <Paint
        dim={row.gone}
      >{` ${fit(row.inStateMs < 0 ? '-' : formatSpan(row.inStateMs), 7, true)}`}</Paint>
      <Paint dim={row.gone}>{` ${fit(formatCount(row.ok), 8, true)}`}</Paint>
      <Paint
        tone={row.failures > 0 ? 'bad' : 'plain'}
        dim={row.gone}
      >{` ${fit(formatCount(row.failures), 7, true)}`}</Paint>
    </Text>
  );
}
