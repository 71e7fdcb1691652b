import type { ReportData } from '../report-data.js';
import { byId, el, fmtMs } from './dom.js';

// Alternating tints, so that two steps side by side are told apart; a failed step is tinted red.
const BAND = ['rgba(49, 130, 189, 0.07)', 'rgba(49, 130, 189, 0.16)'];
const BAND_FAIL = 'rgba(214, 39, 40, 0.08)';

/** drawStepBands tints each progressive rollout step's span on a chart and names it along the bottom (from uPlot's drawAxes hook). */
export function drawStepBands(u: uPlot, D: ReportData): void {
  const steps = D.analysis?.rolloutSteps ?? [];
  if (steps.length === 0) return;
  const ctx = u.ctx;
  const b = u.bbox;
  ctx.save();
  ctx.font = 10 * devicePixelRatio + 'px sans-serif';
  ctx.textBaseline = 'bottom';
  steps.forEach((s, i) => {
    const x0 = u.valToPos(s.startMs / 1000, 'x', true);
    const x1 = u.valToPos(s.endMs / 1000, 'x', true);
    ctx.fillStyle = s.pass ? (BAND[i % 2] ?? '') : BAND_FAIL;
    ctx.fillRect(x0, b.top, Math.max(1, x1 - x0), b.height);
    const label = s.index + ' ' + s.step;
    if (x1 - x0 > ctx.measureText(label).width + 6) {
      ctx.fillStyle = s.pass ? '#3182bd' : '#a50f15';
      ctx.fillText(label, x0 + 3, b.top + b.height - 2);
    }
  });
  ctx.restore();
}

/** renderRolloutSteps fills the per-step table of a progressive rollout (other runs keep the section hidden). */
export function renderRolloutSteps(D: ReportData): void {
  const steps = D.analysis?.rolloutSteps ?? [];
  if (steps.length === 0) return;
  byId('rollout-steps-section').hidden = false;
  const box = byId('rollout-steps');
  const table = el('table');
  const head = el('tr');
  ['#', 'step', 'weight', 'span (s)', 'failed / completed', 'longest outage', 'causes', 'verdict', 'why'].forEach((h) => head.appendChild(el('th', null, h)));
  table.appendChild(head);
  steps.forEach((s) => {
    const tr = el('tr');
    tr.setAttribute('data-step', s.strategy + '-' + s.index + '-' + s.action);
    tr.appendChild(el('td', 'num', String(s.index)));
    tr.appendChild(el('td', null, s.strategy + ' ' + s.step));
    tr.appendChild(el('td', 'num', Math.round(s.weight) + '%'));
    tr.appendChild(el('td', 'num', (s.startMs / 1000).toFixed(1) + ' \u2013 ' + (s.endMs / 1000).toFixed(1)));
    tr.appendChild(el('td', 'num', s.failures + ' / ' + s.completed + uncountedText(s.uncounted)));
    tr.appendChild(el('td', 'num', s.longestOutageMs > 0 ? fmtMs(s.longestOutageMs) : '\u2013'));
    tr.appendChild(el('td', null, Object.entries(s.causes).map(([id, n]) => n + ' ' + id).join(', ')));
    tr.appendChild(el('td', s.pass ? null : 'fail', s.pass ? 'pass' : 'FAIL'));
    tr.appendChild(el('td', null, s.reasons.join('; ')));
    table.appendChild(tr);
  });
  box.appendChild(table);
}

/** uncountedText is the note beside a step's failures when its verdict left some out, as the run's verdict does. */
export function uncountedText(u: { neverProcessed: number } | undefined): string {
  return u ? ' (' + u.neverProcessed + ' refused unprocessed, not counted)' : '';
}
