import type { ReportData } from '../report-data.js';
import { byId, el, swatch } from './dom.js';

/** ChartKit is what the report's charts share: the base options on the common time axis and the way a chart is mounted. */
export interface ChartKit {
  base(title: string, height: number, yLabel: string): uPlot.Options;
  chart(opts: uPlot.Options, data: uPlot.AlignedData, id: string): void;
  markLines(u: uPlot): void;
  t: number[];
  xMin: number;
  xMax: number;
  axisSize: number;
}

const KEEPALIVE = '#3182bd';
const FRESH = '#9e9ac8';
const GOAWAY = '#ff7f0e';
const CUT = '#a50f15';
// Pod colours of the stream-share chart, in rank order.
const POD_COLORS = ['#1f77b4', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#ff7f0e', '#7f7f7f', '#393b79'];

/**
 * renderConnectionCharts draws an HTTP/2 or gRPC run's connections: one lane
 * per pod with each connection as a bar from its open to its close (GOAWAYs as
 * orange ticks, a close that cut open streams as a red one), then each pod's
 * share of the answered streams over time. Nothing for a run without connections.
 */
export function renderConnectionCharts(D: ReportData, kit: ChartKit): void {
  const C = D.connections;
  if (C === null) return;
  const lanes = C.lanes;
  const heights = lanes.map((l) => Math.max(1, l.rows));
  const total = heights.reduce((a, b) => a + b, 0) || 1;
  const o = kit.base(`HTTP/2 connections by pod (${C.drawn} of ${C.total} drawn; ${C.freshOmitted} fresh connections closed cleanly, only counted)`, 60 + Math.min(600, 14 * total + 10 * lanes.length), ' ');
  // Lane i spans [start, start + rows) on the y scale, the first lane at the top.
  const starts: number[] = [];
  heights.reduce((at, h, i) => ((starts[i] = total - at - h), at + h), 0);
  o.scales = { ...o.scales, y: { range: [0, total] } };
  o.axes = [o.axes?.[0] ?? {}, {
    label: ' ', size: kit.axisSize, splits: () => lanes.map((_, i) => (starts[i] ?? 0) + (heights[i] ?? 1) / 2),
    values: (_u, splits) => splits.map((_v, i) => {
      const pod = lanes[i]?.pod ?? '';
      return pod.length > 22 ? pod.slice(0, 21) + '\u2026' : pod;
    }),
    grid: { show: false },
  }];
  o.series = [{}, { label: 'connections', show: false }];
  o.legend = { show: false };
  o.hooks = { ...o.hooks, draw: [(u) => {
    const ctx = u.ctx;
    ctx.save();
    lanes.forEach((l, i) => {
      const base = starts[i] ?? 0;
      const rowY = (row: number): [number, number] => {
        const top = u.valToPos(base + l.rows - row, 'y', true);
        const bottom = u.valToPos(base + l.rows - row - 1, 'y', true);
        return [top + (bottom - top) * 0.25, (bottom - top) * 0.5];
      };
      ctx.fillStyle = i % 2 === 0 ? 'rgba(0,0,0,0.03)' : 'rgba(0,0,0,0)';
      const laneTop = u.valToPos(base + l.rows, 'y', true);
      ctx.fillRect(u.bbox.left, laneTop, u.bbox.width, u.valToPos(base, 'y', true) - laneTop);
      l.conns.forEach(([s, e, row, fresh, cut]) => {
        const [y, h] = rowY(row);
        const x0 = u.valToPos(Math.max(s, kit.xMin), 'x', true);
        const x1 = u.valToPos(e === null ? kit.xMax : Math.min(e, kit.xMax), 'x', true);
        ctx.fillStyle = fresh ? FRESH : KEEPALIVE;
        ctx.fillRect(x0, y, Math.max(1, x1 - x0), Math.max(2, h));
        if (cut > 0 && e !== null) {
          ctx.fillStyle = CUT;
          ctx.fillRect(x1 - 1.5 * devicePixelRatio, y - 3, 3 * devicePixelRatio, h + 6);
        }
      });
      const [top] = rowY(0);
      const [lastY, lastH] = rowY(l.rows - 1);
      ctx.fillStyle = GOAWAY;
      l.goaways.forEach((t) => {
        if (t < kit.xMin || t > kit.xMax) return;
        ctx.fillRect(u.valToPos(t, 'x', true) - 1 * devicePixelRatio, top - 4, 2 * devicePixelRatio, lastY + lastH - top + 8);
      });
    });
    ctx.restore();
    kit.markLines(u);
  }] };
  kit.chart(o, [kit.t, kit.t.map(() => null)], 'chart-conns');
  const legend = byId('conn-legend');
  ([[KEEPALIVE, 'keep-alive connection'], [FRESH, 'fresh connection (kept: it met a GOAWAY or cut streams)'], [GOAWAY, 'GOAWAY received'], [CUT, 'closed with streams open']] as const).forEach(([color, label], i) => {
    const li = el('li');
    li.appendChild(swatch(color, i < 2 ? 'swatch' : 'swatch tick'));
    li.appendChild(document.createTextNode(label));
    legend.appendChild(li);
  });
  const share = kit.base('Share of answered streams by pod (%)', 200, '%');
  share.scales = { ...share.scales, y: { range: [0, 100] } };
  share.series = [{}, ...C.share.pods.map((pod, i): uPlot.Series => ({ label: pod, stroke: POD_COLORS[i % POD_COLORS.length] ?? '#888', width: 1.5 }))];
  if (C.share.pods.length === 0) share.series.push({ label: 'no pod named itself', stroke: '#bbb' });
  kit.chart(share, [kit.t, ...(C.share.pods.length ? C.share.pct : [kit.t.map(() => 0)])], 'chart-share');
}
