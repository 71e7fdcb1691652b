import type { ReportData } from '../report-data.js';
import { byId, el, fmtMs, kindColor, pct, swatch, usText } from './dom.js';
import { findingCard } from './finding-card.js';
import { uncountedText } from './rollout-steps.js';

/** renderHeading sets the page title and the one-line subtitle. */
export function renderHeading(D: ReportData): void {
  document.title = D.title;
  byId('title').textContent = D.title;
  byId('subtitle').textContent = 'started ' + D.meta.startedAt + ' \u00b7 ' + fmtMs(D.meta.durationMs - D.meta.recordedFromMs) +
    ' recorded \u00b7 ' + D.meta.stopReason + ' \u00b7 rollcheck ' + D.meta.version;
}

/** renderVerdict draws the PASS/FAIL box with its reasons and the exit code. */
export function renderVerdict(D: ReportData): void {
  const box = byId('verdict');
  const a = D.analysis;
  if (!a) {
    box.appendChild(el('p', 'muted', 'Not analysed yet (the results file has no analysis).'));
    return;
  }
  box.className = 'verdict ' + (a.verdict.pass ? 'pass' : 'fail');
  box.appendChild(el('div', 'verdict-head', a.verdict.pass ? 'PASS' : a.verdict.inconclusive ? 'INCONCLUSIVE' : 'FAIL'));
  const ul = el('ul');
  a.verdict.reasons.forEach((r) => ul.appendChild(el('li', null, r)));
  if (a.verdict.reasons.length === 0) ul.appendChild(el('li', null, 'no thresholds were set'));
  box.appendChild(ul);
  if (a.verdict.latencyBasis === 'service') box.appendChild(el('div', null, '--max-p99 was judged on service time (end \u2212 actual send): the generator fell behind, so latency from the intended send time holds its own delay.'));
  if (D.meta.interrupted) box.appendChild(el('div', null, 'The run was interrupted (Ctrl-C): the figures cover only the part that ran.'));
  const code = D.meta.interrupted ? 130 : a.verdict.pass ? 0 : a.verdict.inconclusive ? 3 : 1;
  box.appendChild(el('div', 'muted', 'exit code ' + code + ' (0 pass, 1 verdict failed, 2 usage or environment error, 3 inconclusive, 130 interrupted)'));
}

/** renderFigures lists the run's headline figures and the failure kinds seen, with their meaning. */
export function renderFigures(D: ReportData): void {
  const t = D.totals;
  const dl = byId('figures');
  const add = (k: string, v: string): void => {
    dl.appendChild(el('dt', null, k));
    dl.appendChild(el('dd', null, v));
  };
  add('target', D.meta.target);
  add('rate', t.achievedRatePerSec + '/s achieved of ' + t.targetRatePerSec + '/s target, by actual send time');
  add('generator', D.generator);
  add('requests', t.sent + ' sent \u00b7 ' + t.ok + ' ok \u00b7 ' + t.failed + ' failed (' + pct(t.errorRate) + ')');
  add('generator shortfall', t.dropped + ' dropped (--max-in-flight) \u00b7 ' + (t.queueExpired ?? 0) + ' never got a connection (--connections) \u00b7 ' + t.inFlightAtStop + ' in flight at stop');
  add('new connections', t.byConn['new'].completed + ' done, ' + t.byConn['new'].failed + ' failed');
  add('reused connections', t.byConn.reused.completed + ' done, ' + t.byConn.reused.failed + ' failed');
  add('latency', 'p50 ' + usText(t.latency.p50Us) + ' \u00b7 p90 ' + usText(t.latency.p90Us) + ' \u00b7 p99 ' + usText(t.latency.p99Us) + ' \u00b7 max ' + usText(t.latency.maxUs));
  if (D.latencyBasis) add('latency judged on', D.latencyBasis);
  if (D.analysis) {
    const w = D.analysis.windows;
    add('outages', w.length ? w.length + ' window(s), longest ' + fmtMs(D.analysis.longestOutageMs) + ', total ' + fmtMs(D.analysis.totalOutageMs) : 'none');
  }
  (D.frontDoor || []).forEach((line) => add('front door', line));
  if (D.hidden) add('hidden by a standard client', D.hidden);
  if (D.grpcStatus) add('gRPC status', D.grpcStatus.map((g) => g.code + ' ' + g.count).join(' \u00b7 '));
  const facts = D.meta.facts || {};
  Object.keys(facts).forEach((k) => add(k, String(facts[k])));
  (D.meta.warnings || []).forEach((w) => add('warning', w));
  const kinds = byId('kinds');
  D.kinds.forEach((k) => {
    const li = el('li');
    li.appendChild(swatch(kindColor(k.kind)));
    li.appendChild(el('b', null, k.kind + ' (' + (t.byKind[k.kind] || 0) + ')'));
    li.appendChild(document.createTextNode(': ' + k.meaning));
    kinds.appendChild(li);
  });
}

/** renderFindings draws one card per finding, or says there are none. */
export function renderFindings(D: ReportData): void {
  const box = byId('findings');
  const list = D.analysis ? D.analysis.findings : [];
  if (list.length === 0) {
    box.appendChild(el('p', 'muted', 'No findings: nothing in this run points at a shutdown or startup mistake.'));
    return;
  }
  list.forEach((f) => box.appendChild(findingCard(f)));
}

/** renderWindows lists the outage windows. */
export function renderWindows(D: ReportData): void {
  const box = byId('windows');
  const w = D.analysis ? D.analysis.windows : [];
  if (w.length === 0) {
    box.appendChild(el('p', 'muted', 'No outage window: failures never outnumbered successes.'));
    return;
  }
  const ul = el('ul');
  w.forEach((x) => {
    ul.appendChild(el('li', null, (x.startMs / 1000).toFixed(3) + ' s \u2013 ' + (x.endMs / 1000).toFixed(3) + ' s: ' + fmtMs(x.durationMs) +
      ', ' + x.failures + ' failures' + (x.pods && x.pods.length ? ' (' + x.pods.join(', ') + ')' : '')));
  });
  box.appendChild(ul);
}

/** renderSteps shows a scenario run's per-step verdicts (other runs keep the section hidden). */
export function renderSteps(D: ReportData): void {
  const sc = D.scenario;
  if (!sc || !sc.steps || sc.steps.length === 0) return;
  byId('scenario-section').hidden = false;
  const box = byId('scenario-steps');
  box.appendChild(el('p', null, sc.name + ': ' + (sc.pass ? 'every step passed' : 'a step failed')));
  const table = el('table');
  const head = el('tr');
  ['#', 'step', 'span (s)', 'failed / completed', 'verdict', 'why'].forEach((h) => head.appendChild(el('th', null, h)));
  table.appendChild(head);
  sc.steps.forEach((st) => {
    const tr = el('tr');
    tr.appendChild(el('td', 'num', String(st.index + 1)));
    tr.appendChild(el('td', null, st.step));
    tr.appendChild(el('td', 'num', (st.startMs / 1000).toFixed(1) + ' \u2013 ' + (st.endMs / 1000).toFixed(1)));
    tr.appendChild(el('td', 'num', st.failures + ' / ' + st.completed + uncountedText(st.uncounted)));
    tr.appendChild(el('td', null, st.pass ? 'pass' : 'FAIL'));
    tr.appendChild(el('td', null, (st.error ? st.error + '; ' : '') + st.reasons.join('; ')));
    table.appendChild(tr);
  });
  box.appendChild(table);
}
