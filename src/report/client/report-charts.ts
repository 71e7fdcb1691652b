import type { FailureKind } from '../../results/types.js';
import type { ReportData } from '../report-data.js';
import { renderConnectionCharts } from './connection-charts.js';
import { byId, el, kindColor, swatch } from './dom.js';
import { drawStepBands } from './rollout-steps.js';

// Pod states in the lanes chart, in legend order.
const STATE_COLOR: Record<string, string> = {
  starting: '#c6dbef', running: '#9ecae1', ready: '#74c476', 'not-ready': '#fdd0a2', terminating: '#fdae6b',
  prestop: '#fd8d3c', sigterm: '#e6550d', sigkilled: '#a50f15', exited: '#d9d9d9', deleted: '#f0f0f0',
};
// Every chart gets the same y-axis width so that their time axes line up with the pod lanes.
const AXIS_SIZE = 160;

/** ReportCharts draws the timeline charts and keeps them sized to the page. */
export interface ReportCharts {
  render(): void;
  resize(): void;
}

/** createReportCharts prepares the charts (rate, lag, failures by kind, pod lanes, HTTP/2 connection lanes and stream share, latency) on one time axis. */
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

  const renderLanes = (): void => {
    const lanes = D.lanes;
    if (lanes.length === 0) {
      byId('chart-pods').appendChild(el('p', 'muted', 'No pod events in this run (load mode, or no driver).'));
      return;
    }
    // A blank label keeps the label's room, so this plot area lines up with the other charts'.
    const o = base('Pods', 50 + 26 * lanes.length, ' ');
    o.scales = { ...o.scales, y: { range: [0, lanes.length] } };
    o.axes = [o.axes?.[0] ?? {}, {
      label: ' ', size: AXIS_SIZE, splits: () => lanes.map((_, i) => i + 0.5),
      values: (_u, splits) => splits.map((v) => {
        const l = lanes[lanes.length - 1 - Math.floor(v)];
        return l ? (l.pod.length > 22 ? l.pod.slice(0, 21) + '\u2026' : l.pod) : '';
      }),
      grid: { show: false },
    }];
    o.series = [{}, { label: 'pod lanes', show: false }];
    o.legend = { show: false };
    o.hooks = { ...o.hooks, draw: [(u) => {
      const ctx = u.ctx;
      ctx.save();
      lanes.forEach((l, i) => {
        const yTop = u.valToPos(lanes.length - i, 'y', true);
        const yBot = u.valToPos(lanes.length - i - 1, 'y', true);
        const h = (yBot - yTop) * 0.7;
        const y = yTop + (yBot - yTop) * 0.15;
        l.spans.forEach((s) => {
          const x0 = u.valToPos(Math.max(s.s, xMin), 'x', true);
          const x1 = u.valToPos(s.e === null ? xMax : s.e, 'x', true);
          if (x1 <= x0) return;
          ctx.fillStyle = STATE_COLOR[s.state] || '#bbb';
          ctx.fillRect(x0, y, x1 - x0, h);
        });
        l.marks.forEach((m) => {
          if (m.t < xMin || m.t > xMax) return;
          const x = u.valToPos(m.t, 'x', true);
          ctx.fillStyle = m.kind === 'sigkill' ? '#67000d' : m.kind === 'sigterm' ? '#d94801' : m.kind === 'pod-ready' ? '#006d2c' : '#252525';
          ctx.fillRect(x - 1 * devicePixelRatio, y - 2, 2 * devicePixelRatio, h + 4);
        });
      });
      ctx.restore();
      markLines(u);
    }] };
    chart(o, [S.t, S.t.map(() => null)], 'chart-pods');
    const legend = byId('lane-legend');
    Object.keys(STATE_COLOR).forEach((s) => {
      const li = el('li');
      li.appendChild(swatch(STATE_COLOR[s] ?? '#bbb'));
      li.appendChild(document.createTextNode(s));
      legend.appendChild(li);
    });
    [['#d94801', 'SIGTERM'], ['#67000d', 'SIGKILL'], ['#006d2c', 'ready']].forEach(([color, label]) => {
      const li = el('li');
      li.appendChild(swatch(color ?? '', 'swatch tick'));
      li.appendChild(document.createTextNode(label + ' mark'));
      legend.appendChild(li);
    });
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

      renderLanes();
      renderConnectionCharts(D, { base, chart, markLines, t: S.t, xMin, xMax, axisSize: AXIS_SIZE });

      const o4 = base('Latency of ok responses (ms, from intended send time)', 200, 'ms');
      o4.series = [{}, { label: 'p50', stroke: '#3182bd', width: 1.5 }, { label: 'p99', stroke: '#e6550d', width: 1.5 }];
      chart(o4, [S.t, S.p50, S.p99], 'chart-latency');
    },
    resize() {
      charts.forEach((u) => u.setSize({ width: width(), height: u.height }));
    },
  };
}
