import type { FailureKind } from '../../results/types.js';
import type { ReportData } from '../report-data.js';
import { renderConnectionCharts } from './connection-charts.js';
import { byId, kindColor } from './dom.js';
import { renderBudgetChart } from './node-section.js';
import { renderPodLanes } from './pod-lanes.js';
import { drawStepBands } from './rollout-steps.js';

// Every chart gets the same y-axis width so that their time axes line up with the pod lanes.
const AXIS_SIZE = 160;

/** ReportCharts draws the timeline charts and keeps them sized to the page. */
export interface ReportCharts {
  render(): void;
  resize(): void;
}

/** createReportCharts prepares the charts (rate, lag, failures by kind, pod lanes with node rows, budget steps, HTTP/2 connection lanes and stream share, latency) on one time axis. */
export function createReportCharts(D: ReportData): ReportCharts {
  const charts: uPlot[] = [];
  const labelled = new WeakSet<uPlot>();
  const S = D.series;
  const xMin = S.t.length ? (S.t[0] ?? 0) : 0;
  const xMax = Math.max(S.t.length ? (S.t[S.t.length - 1] ?? 0) + S.bucketMs / 1000 : 1, D.meta.durationMs / 1000);
  const width = (): number => Math.max(600, Math.min(1400, byId('charts').clientWidth - 10));

  const shade = (u: uPlot): void => {
    const ctx = u.ctx;
    const b = u.bbox;
    drawStepBands(u, D);
    ctx.save();
    ctx.fillStyle = 'rgba(214, 39, 40, 0.13)';
    (D.analysis ? D.analysis.windows : []).forEach((w) => {
      const x0 = u.valToPos(w.startMs / 1000, 'x', true);
      const x1 = u.valToPos(w.endMs / 1000, 'x', true);
      ctx.fillRect(x0, b.top, Math.max(2, x1 - x0), b.height);
    });
    // A runner's lost share: the traffic from then on is short of the target, not the target's fault.
    ctx.fillStyle = 'rgba(99, 99, 99, 0.12)';
    D.lostShares.forEach((s) => {
      const x0 = u.valToPos(s.from, 'x', true);
      const x1 = u.valToPos(s.to, 'x', true);
      ctx.fillRect(x0, b.top, Math.max(2, x1 - x0), b.height);
    });
    ctx.restore();
  };
  const markLines = (u: uPlot): void => {
    const ctx = u.ctx;
    const b = u.bbox;
    ctx.save();
    ctx.setLineDash([4, 4]);
    ctx.font = 11 * devicePixelRatio + 'px sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    // Labels that would overlap move down a row.
    const rowEnds: number[] = [];
    D.marks.forEach((m) => {
      const x = u.valToPos(m.t, 'x', true);
      ctx.strokeStyle = m.kind === 'failed' ? '#a50f15' : m.kind === 'step' ? '#3182bd' : '#636363';
      ctx.beginPath();
      ctx.moveTo(x, b.top);
      ctx.lineTo(x, b.top + b.height);
      ctx.stroke();
      if (!labelled.has(u)) return;
      let row = 0;
      while (rowEnds[row] !== undefined && (rowEnds[row] ?? 0) > x) row++;
      rowEnds[row] = x + ctx.measureText(m.label).width + 10 * devicePixelRatio;
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fillText(m.label, x + 3, b.top + (2 + row * 13) * devicePixelRatio);
    });
    ctx.restore();
  };
  const base = (title: string, height: number, yLabel: string): uPlot.Options => ({
    title, width: width(), height,
    series: [],
    scales: { x: { time: false, range: [xMin, xMax] } },
    cursor: { sync: { key: 'rollcheck' } },
    axes: [{ label: 's since start' }, { label: yLabel, size: AXIS_SIZE }],
    hooks: { drawAxes: [shade], draw: [markLines] },
  });
  const chart = (opts: uPlot.Options, data: uPlot.AlignedData, id: string, labels = false): void => {
    const u = new uPlot(opts, data, byId(id));
    if (labels) labelled.add(u);
    u.redraw(false, false);
    charts.push(u);
  };

  return {
    render() {
      const o1 = base('Requests per second', 220, 'req/s');
      o1.series = [{}, { label: 'scheduled/s', stroke: '#6baed6', width: 1 }, { label: 'sent/s (actual send time)', stroke: '#08519c', width: 1.5 }, { label: 'ok/s', stroke: kindColor('ok'), width: 1.5 }];
      chart(o1, [S.t, S.sent, S.started, S.ok], 'chart-rate', true);

      // Beside the rate: a generator that falls behind shows here before it shows as latency.
      const o5 = base('Generator scheduling lag p99 (ms, actual send − intended; over 100 ms it is behind)', 160, 'ms');
      o5.series = [{}, { label: 'lag p99', stroke: '#756bb1', width: 1.5 }, { label: 'bound', stroke: '#bdbdbd', width: 1, dash: [4, 4] }];
      chart(o5, [S.t, S.lag, S.t.map(() => 100)], 'chart-lag');

      const kinds = Object.keys(S.failed) as FailureKind[];
      const o2 = base('Failures per second by kind', 200, 'failures/s');
      o2.series = [{}, ...kinds.map((k): uPlot.Series => ({ label: k, stroke: kindColor(k), fill: kindColor(k) + '55', width: 1.5, paths: uPlot.paths.stepped?.({ align: 1 }) }))];
      if (kinds.length === 0) o2.series.push({ label: 'no failures', stroke: '#31a354' });
      chart(o2, [S.t, ...(kinds.length ? kinds.map((k) => S.failed[k] ?? []) : [S.t.map(() => 0)])], 'chart-failures');

      const kit = { base, chart, markLines, t: S.t, xMin, xMax, axisSize: AXIS_SIZE };
      renderPodLanes(D, kit);
      renderBudgetChart(D, kit);
      renderConnectionCharts(D, kit);

      const o4 = base('Latency of ok responses (ms, from intended send time)', 200, 'ms');
      o4.series = [{}, { label: 'p50', stroke: '#3182bd', width: 1.5 }, { label: 'p99', stroke: '#e6550d', width: 1.5 }];
      chart(o4, [S.t, S.p50, S.p99], 'chart-latency');
    },
    resize() {
      charts.forEach((u) => u.setSize({ width: width(), height: u.height }));
    },
  };
}
