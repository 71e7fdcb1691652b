import { Box, Text } from 'ink';
import type { FailureSeries, TrafficNow } from './model/traffic-now.js';
import { SATURATED_PERCENT, type GeneratorNow } from './model/generator-now.js';
import { KIND_STYLE } from '../results/kind-style.js';
import { fit, formatCount, formatLatencyUs, formatRate, sparkline } from './model/format.js';
import { Paint } from './paint.js';

/** TrafficPanelProps is the last second of traffic and the last minute of failures. */
export interface TrafficPanelProps {
  now: TrafficNow;
  series: FailureSeries[];
  columns: number;
  /** maxSeries caps how many failure kinds get a sparkline row. */
  maxSeries: number;
  /** generator is the traffic's own sources' lag and load (null: not reported). */
  generator?: GeneratorNow | null;
}

const LABEL_WIDTH = 10;

/** TrafficPanel shows target vs achieved rate, this second's outcomes, latency now, and failures/s by kind. */
export function TrafficPanel({ now, series, columns, maxSeries, generator }: TrafficPanelProps) {
  const short = now.achievedRatePerSec < now.targetRatePerSec * 0.9;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Paint tone="dim">{fit('req/s', LABEL_WIDTH)}</Paint>
        <Paint tone={short ? 'warn' : 'plain'}>{formatRate(now.achievedRatePerSec)}</Paint>
        {` / ${formatRate(now.targetRatePerSec)} target`}
        <Paint tone="dim">{'   this second  '}</Paint>
        <Paint tone="good">{`ok ${formatCount(now.okThisSec)}`}</Paint>
        {'  '}
        <Paint
          tone={now.failedThisSec > 0 ? 'bad' : 'plain'}
        >{`failed ${formatCount(now.failedThisSec)}`}</Paint>
      </Text>
      <Text wrap="truncate-end">
        <Paint tone="dim">{fit('latency', LABEL_WIDTH)}</Paint>
        {`p50 ${formatLatencyUs(now.p50Us)}  p99 ${formatLatencyUs(now.p99Us)}`}
        <Paint tone="dim">{'   in-flight '}</Paint>
        {formatCount(now.inFlight)}
        <Paint tone="dim">{'  dropped '}</Paint>
        <Paint
          tone={now.droppedTotal > 0 ? 'warn' : 'plain'}
        >{`${formatCount(now.droppedThisSec)}/s, ${formatCount(now.droppedTotal)} total`}</Paint>
        {now.noConnTotal > 0 ? (
          <Paint tone="warn">{`  no free connection ${formatCount(now.noConnTotal)}`}</Paint>
        ) : null}
      </Text>
      {generator ? <GeneratorLine g={generator} /> : null}
      <FailureSparks series={series} columns={columns} maxSeries={maxSeries} />
    </Box>
  );
}

// Scheduling lag and each worker's (w0) or runner's (r0) loop and CPU: a generator behind says so here first.
function GeneratorLine({ g }: { g: GeneratorNow }) {
  return (
    <Text wrap="truncate-end">
      <Paint tone="dim">{fit('generator', LABEL_WIDTH)}</Paint>
      <Paint tone={g.behind ? 'warn' : 'plain'}>{`lag p99 ${formatLatencyUs(g.lagP99Us)}${g.behind ? ' BEHIND' : ''}`}</Paint>
      {g.sources.map((x) => (
        <Paint key={x.label} tone={x.loopPercent >= SATURATED_PERCENT ? 'warn' : 'plain'}>{`  ${x.label} loop ${x.loopPercent}% cpu ${x.cpuPercent}%`}</Paint>
      ))}
    </Text>
  );
}

function FailureSparks({
  series,
  columns,
  maxSeries,
}: {
  series: FailureSeries[];
  columns: number;
  maxSeries: number;
}) {
  if (series.length === 0) {
    return (
      <Text wrap="truncate-end">
        <Paint tone="dim">{fit('failures', LABEL_WIDTH)}</Paint>
        <Paint tone="good">none in the last 60 s</Paint>
      </Text>
    );
  }
  const shown = series.slice(0, maxSeries);
  // One scale for every kind, so that heights compare across rows.
  const peak = Math.max(...shown.flatMap((s) => s.perSec));
  const width = Math.max(10, Math.min(60, columns - LABEL_WIDTH - 8));
  return (
    <Box flexDirection="column">
      {shown.map((s) => (
        <Text key={s.kind} wrap="truncate-end">
          <Paint tone="dim">{fit(KIND_STYLE[s.kind].short, LABEL_WIDTH - 1)} </Paint>
          <Paint tone="bad">{sparkline(s.perSec.slice(-width), peak)}</Paint>
          {` ${formatCount(s.total)}`}
        </Text>
      ))}
      <Text wrap="truncate-end">
        <Paint tone="dim">{`${' '.repeat(LABEL_WIDTH)}failures/s over the last ${width} s, peak ${formatCount(peak)}/s`}</Paint>
        {series.length > shown.length ? (
          <Paint tone="dim">{`, +${series.length - shown.length} more kinds`}</Paint>
        ) : null}
      </Text>
    </Box>
  );
}
