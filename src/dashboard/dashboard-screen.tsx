import { Box } from 'ink';
import type { LiveSnapshot } from '../results/live.js';
import type { Thresholds } from '../results/types.js';
import { EventLog } from './event-log.js';
import type { DashboardFinal } from './final-info.js';
import { FinalSummary, summaryRowCount } from './final-summary.js';
import { Header } from './header.js';
import { logLines } from './model/event-lines.js';
import { planLayout } from './model/layout.js';
import { pickRows, podRows } from './model/pod-rows.js';
import { rolloutState } from './model/rollout-state.js';
import { drainNow } from './model/drain-now.js';
import { DrainLine } from './drain-line.js';
import { failureSeries, trafficNow } from './model/traffic-now.js';
import { PodsPanel, podNameWidth } from './pods-panel.js';
import { RolloutLine } from './rollout-line.js';
import { RunnersPanel, runnerPanelRows } from './runners-panel.js';
import { TrafficPanel } from './traffic-panel.js';
import { generatorNow } from './model/generator-now.js';

/** DashboardScreenProps is one frame's worth of input: everything the screen shows, nothing it fetches. */
export interface DashboardScreenProps {
  title: string;
  snapshot: LiveSnapshot;
  nowMs: number;
  columns: number;
  rows: number;
  thresholds?: Thresholds;
  quitting?: boolean;
  final?: DashboardFinal;
}

const MIN_COLUMNS = 60;
const MAX_SERIES = 3;
// The live view keeps the last 200 failures (results/live.ts).
const RECENT_FAILURES_CAP = 200;

/** DashboardScreen lays out one frame: header, traffic, pods, rollout, then the event log or the final summary. */
export function DashboardScreen(props: DashboardScreenProps) {
  const { snapshot: s, nowMs, final } = props;
  const columns = Math.max(MIN_COLUMNS, props.columns);
  const traffic = trafficNow(s);
  const series = failureSeries(s.recent);
  const generator = generatorNow(s);
  // The generator's line sits with the sparklines in the traffic panel.
  const sparkRows = (series.length === 0 ? 1 : Math.min(MAX_SERIES, series.length) + 1) + (generator ? 1 : 0);
  const rollout = rolloutState(s.events);
  const drain = drainNow(s.events, nowMs);
  // A drain without a rollout has its own line instead of "rollout not started".
  const showRollout = rollout.status !== 'none' || (s.mode !== 'load' && drain === null);
  const pods = podRows(s, nowMs);
  const layout = planLayout({
    rows: props.rows - runnerPanelRows(s.runners),
    pods: pods.length,
    sparkRows,
    showRollout,
    showDrain: drain !== null,
    summaryRows: final ? summaryRowCount(final) : undefined,
  });
  const { shown, hidden } = pickRows(pods, layout.maxPods);
  const podWidth = Math.min(24, podNameWidth(columns));
  const capped = s.recentFailures.length >= RECENT_FAILURES_CAP;
  return (
    <Box flexDirection="column">
      <Header
        title={props.title}
        snapshot={s}
        nowMs={nowMs}
        thresholds={props.thresholds}
        columns={columns}
        quitting={props.quitting === true}
        final={final}
      />
      <Box marginTop={1} flexDirection="column">
        <TrafficPanel now={traffic} series={series} columns={columns} maxSeries={MAX_SERIES} generator={generator} />
        {s.runners && s.runners.length > 0 ? <RunnersPanel runners={s.runners} columns={columns} /> : null}
      </Box>
      <Box marginTop={1} flexDirection="column">
        <PodsPanel rows={shown} hidden={hidden} columns={columns} />
        {showRollout ? <RolloutLine rollout={rollout} /> : null}
        {drain ? <DrainLine drain={drain} /> : null}
      </Box>
      <Box marginTop={1} flexDirection="column">
        {final ? (
          <FinalSummary final={final} />
        ) : (
          <EventLog
            lines={logLines(s.events, s.recentFailures, layout.logLines, podWidth, capped, s.connectionNotes)}
          />
        )}
      </Box>
    </Box>
  );
}
