import { Box, Text } from 'ink';
import type { LogLine } from './model/event-lines.js';
import { formatClock } from './model/format.js';
import { Paint } from './paint.js';

/** EventLog shows the last few cluster events and failure bursts, newest at the bottom. */
export function EventLog({ lines }: { lines: LogLine[] }) {
  return (
    <Box flexDirection="column">
      <Text>
        <Paint tone="dim">events</Paint>
      </Text>
      {lines.length === 0 ? (
        <Text>
          <Paint tone="dim">{'  nothing yet'}</Paint>
        </Text>
      ) : null}
      {lines.map((l, i) => (
        <Text key={`${i}:${l.atMs}`} wrap="truncate-end">
          <Paint tone="dim">{`${formatClock(l.atMs).padStart(8)}  `}</Paint>
          <Paint tone={l.tone === 'failure' ? 'bad' : l.tone === 'warn' ? 'warn' : 'plain'}>
            {l.text}
          </Paint>
        </Text>
      ))}
    </Box>
  );
}
