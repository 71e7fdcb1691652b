import type { NodeBand } from '../node-data.js';
import type { ReportData, ReportLane } from '../report-data.js';
import type { ChartKit } from './connection-charts.js';
import { byId, el, swatch } from './dom.js';

// Pod states in the lanes chart, in legend order.
const STATE_COLOR: Record<string, string> = {
  starting: '#c6dbef', running: '#9ecae1', ready: '#74c476', 'not-ready': '#fdd0a2', terminating: '#fdae6b',
  prestop: '#fd8d3c', sigterm: '#e6550d', sigkilled: '#a50f15', exited: '#d9d9d9', deleted: '#f0f0f0',
};
/** NODE_COLOR is what a node row draws: its background, a cordon, a drain and a failed drain. */
export const NODE_COLOR = { row: 'rgba(117, 107, 177, 0.08)', cordon: '#bdbdbd', drain: '#756bb1', failed: '#a50f15' } as const;
/** MARK_COLOR is each lane mark's colour (other marks are near black). */
export const MARK_COLOR: Record<string, string> = {
  sigkill: '#67000d', sigterm: '#d94801', 'pod-ready': '#006d2c', evicted: '#6a51a3', 'eviction-refused': '#e7298a',
};

type Row = { node: NodeBand; lane?: undefined } | { lane: ReportLane; node?: undefined };

/** laneRows orders the lanes: under each node's own row its pods, then pods placed on no node; just the pods when the run has no nodes. */
function laneRows(D: ReportData): Row[] {
  if (!D.nodes) return D.lanes.map((lane) => ({ lane }));
  const rows: Row[] = [];
  for (const node of D.nodes.bands) {
    rows.push({ node });
    for (const lane of D.lanes) if (lane.node === node.node) rows.push({ lane });
  }
  for (const lane of D.lanes) if (lane.node === undefined) rows.push({ lane });
  return rows;
}

const short = (s: string): string => (s.length > 22 ? s.slice(0, 21) + '\u2026' : s);

/**
 * renderPodLanes draws one lane per pod (its states as coloured spans, its
 * lifecycle, eviction and refusal marks as ticks); with nodes, each node's row
 * (cordon and drain spans) heads its pods.
 */
export function renderPodLanes(D: ReportData, kit: ChartKit): void {
  const rows = laneRows(D);
  const box = byId('chart-pods');
  if (D.lanes.length === 0 && rows.length === 0) {
    box.appendChild(el('p', 'muted', 'No pod events in this run (load mode, or no driver).'));
    return;
  }
  if (D.nodes) box.setAttribute('aria-label', 'Pod lanes by node. ' + D.nodes.bands.map((b) => b.node + ': ' + (D.lanes.filter((l) => l.node === b.node).map((l) => l.pod).join(', ') || 'no pods') + '.').join(' '));
  const n = rows.length;
  const o = kit.base('Pods', 50 + 26 * n, ' ');
  o.scales = { ...o.scales, y: { range: [0, n] } };
  o.axes = [o.axes?.[0] ?? {}, {
    label: ' ', size: kit.axisSize, splits: () => rows.map((_, i) => i + 0.5),
    values: (_u, splits) => splits.map((v) => {
      const r = rows[n - 1 - Math.floor(v)];
      return r === undefined ? '' : r.node ? '[' + short(r.node.node) + ']' : short(r.lane.pod);
    }),
    grid: { show: false },
  }];
  o.series = [{}, { label: 'pod lanes', show: false }];
  o.legend = { show: false };
  o.hooks = { ...o.hooks, draw: [(u) => {
    const ctx = u.ctx;
    ctx.save();
    const each = (fn: (r: Row, y: number, h: number) => void): void => rows.forEach((r, i) => {
      const yTop = u.valToPos(n - i, 'y', true);
      fn(r, yTop, u.valToPos(n - i - 1, 'y', true) - yTop);
    });
    each((r, y, h) => (r.node ? drawNodeRow(u, kit, r.node, y, h) : drawSpans(u, kit, r.lane, y + h * 0.15, h * 0.7)));
    ctx.restore();
    // The run's markers go under the pods' own marks: a refusal a millisecond after a drain began stays visible.
    kit.markLines(u);
    ctx.save();
    each((r, y, h) => (r.lane ? drawMarks(u, kit, r.lane, y + h * 0.15, h * 0.7) : undefined));
    ctx.restore();
  }] };
  kit.chart(o, [kit.t, kit.t.map(() => null)], 'chart-pods');
  laneLegend(D);
}

function span(u: uPlot, kit: ChartKit, s: number, e: number | null): [number, number] {
  return [u.valToPos(Math.max(s, kit.xMin), 'x', true), u.valToPos(e === null ? kit.xMax : Math.min(e, kit.xMax), 'x', true)];
}

function drawSpans(u: uPlot, kit: ChartKit, l: ReportLane, y: number, h: number): void {
  l.spans.forEach((s) => {
    const [x0, x1] = span(u, kit, s.s, s.e);
    if (x1 <= x0) return;
    u.ctx.fillStyle = STATE_COLOR[s.state] || '#bbb';
    u.ctx.fillRect(x0, y, x1 - x0, h);
  });
}

function drawMarks(u: uPlot, kit: ChartKit, l: ReportLane, y: number, h: number): void {
  const ctx = u.ctx;
  // A refusal names its budget beside the tick, unless the last label is still in the way.
  let labelEnd = -Infinity;
  ctx.font = 10 * devicePixelRatio + 'px sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  // Evictions and refusals go on top of the lifecycle ticks they coincide with.
  const onTop = (k: string): number => (k === 'evicted' || k === 'eviction-refused' ? 1 : 0);
  [...l.marks].sort((a, b) => onTop(a.kind) - onTop(b.kind)).forEach((m) => {
    if (m.t < kit.xMin || m.t > kit.xMax) return;
    const x = u.valToPos(m.t, 'x', true);
    ctx.fillStyle = MARK_COLOR[m.kind] ?? '#252525';
    const wide = m.kind === 'evicted' || m.kind === 'eviction-refused' ? 3 : 2;
    ctx.fillRect(x - (wide / 2) * devicePixelRatio, y - 2, wide * devicePixelRatio, h + 4);
    if (m.label !== undefined && x > labelEnd) {
      ctx.fillText(m.label, x + 3 * devicePixelRatio, y + h / 2);
      labelEnd = x + ctx.measureText(m.label).width + 8 * devicePixelRatio;
    }
  });
}

function drawNodeRow(u: uPlot, kit: ChartKit, b: NodeBand, yTop: number, h: number): void {
  const ctx = u.ctx;
  ctx.fillStyle = NODE_COLOR.row;
  ctx.fillRect(u.bbox.left, yTop, u.bbox.width, h);
  b.cordons.forEach(([s, e]) => {
    const [x0, x1] = span(u, kit, s, e);
    ctx.fillStyle = NODE_COLOR.cordon;
    ctx.fillRect(x0, yTop + h * 0.15, Math.max(1, x1 - x0), h * 0.3);
  });
  ctx.font = 9 * devicePixelRatio + 'px sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  b.drains.forEach((d) => {
    const [x0, x1] = span(u, kit, d.s, d.e);
    ctx.fillStyle = d.ok === false ? NODE_COLOR.failed : NODE_COLOR.drain;
    ctx.fillRect(x0, yTop + h * 0.45, Math.max(1, x1 - x0), h * 0.45);
    const text = 'drain: evicted ' + d.evicted + ' of ' + d.of + (d.e === null ? ' (not finished)' : d.ok === false ? ' (failed)' : '');
    if (x1 - x0 > ctx.measureText(text).width + 6) {
      ctx.fillStyle = '#fff';
      ctx.fillText(text, x0 + 3 * devicePixelRatio, yTop + h * 0.675);
    }
  });
}

function laneLegend(D: ReportData): void {
  const legend = byId('lane-legend');
  const item = (color: string, label: string, cls = 'swatch'): void => {
    const li = el('li');
    li.appendChild(swatch(color, cls));
    li.appendChild(document.createTextNode(label));
    legend.appendChild(li);
  };
  Object.keys(STATE_COLOR).forEach((s) => item(STATE_COLOR[s] ?? '#bbb', s));
  [['sigterm', 'SIGTERM'], ['sigkill', 'SIGKILL'], ['pod-ready', 'ready']].forEach(([k, label]) => item(MARK_COLOR[k ?? ''] ?? '', label + ' mark', 'swatch tick'));
  if (!D.nodes) return;
  item(NODE_COLOR.cordon, 'node cordoned');
  item(NODE_COLOR.drain, 'node draining');
  item(MARK_COLOR.evicted ?? '', 'evicted mark', 'swatch tick');
  item(MARK_COLOR['eviction-refused'] ?? '', 'eviction refused mark (status and budget)', 'swatch tick');
}
