import { useMemo } from 'react';
import { Box } from 'ink';
import type { Clock } from '../results/clock.js';
import type { LiveView } from '../results/live.js';
import type { Thresholds } from '../results/types.js';
import { DashboardScreen } from './dashboard-screen.js';
import type { DashboardFinal } from './final-info.js';
import { ColorContext } from './paint.js';
import { useLiveSnapshot } from './use-live-snapshot.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';

/** LiveDashboardProps wires the screen to a live view, the terminal and the keyboard. */
export interface LiveDashboardProps {
  view: LiveView;
  title: string;
  tickMs: number;
  color: boolean;
  /** quitting says the user asked to quit (q or Ctrl-C): the run is stopping. */
  quitting?: boolean;
  thresholds?: Thresholds;
  /** clock keeps elapsed time moving between snapshots (the run clock; a fixed one in tests). */
  clock?: Clock;
  /** size fixes the screen size instead of following the terminal (tests). */
  size?: TerminalSize;
  final?: DashboardFinal;
}

/** LiveDashboard is the dashboard's root: it reads the live view on a fixed tick and redraws. */
export function LiveDashboard(props: LiveDashboardProps) {
  const { view, tickMs, clock } = props;
  const nowMs = useMemo(() => (clock ? () => clock.nowMs() : undefined), [clock]);
  const frame = useLiveSnapshot(view, tickMs, nowMs);
  const size = useTerminalSize(props.size);
  // The final frame shows the finished snapshot, not the one from the last tick.
  const snapshot = props.final ? view.snapshot() : frame.snapshot;
  return (
    <ColorContext.Provider value={props.color}>
      {/* No fixed width unless asked: right after a resize ink lays out the old tree at the
          new width, and lines bounded by the terminal truncate instead of wrapping. */}
      <Box flexDirection="column" width={props.size?.columns}>
        <DashboardScreen
          title={props.title}
          snapshot={snapshot}
          nowMs={props.final ? snapshot.nowMs : frame.nowMs}
          columns={size.columns}
          rows={size.rows}
          thresholds={props.thresholds}
          quitting={props.quitting === true && !props.final}
          final={props.final}
        />
      </Box>
    </ColorContext.Provider>
  );
}
