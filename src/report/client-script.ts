/**
 * CLIENT_SCRIPT is the report page's own script: it reads the embedded JSON
 * and builds the page with textContent only (never innerHTML with data), then
 * draws the charts with the inlined uPlot. Written as plain browser JS.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('rollcheck-data').textContent);
  var KIND_COLOR = { http_5xx: '#d62728', http_4xx: '#ff9896', refused: '#9467bd', reset: '#e377c2', timeout: '#8c564b',
    closed_before_response: '#ff7f0e', dns: '#7f7f7f', other: '#bcbd22' };
  var STATE_COLOR = { starting: '#c6dbef', running: '#9ecae1', ready: '#74c476', 'not-ready': '#fdd0a2', terminating: '#fdae6b',
    prestop: '#fd8d3c', sigterm: '#e6550d', sigkilled: '#a50f15', exited: '#d9d9d9', deleted: '#f0f0f0' };
  var charts = [];
  // Every chart gets the same y-axis width so that their time axes line up with the pod lanes.
  var AXIS_SIZE = 160;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function fmtMs(ms) {
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 10000) return (ms / 1000).toFixed(1) + ' s';
    return Math.round(ms / 1000) + ' s';
  }
  function pct(x) { return (x * 100).toFixed(x >= 0.001 || x === 0 ? 2 : 4) + '%'; }
  function us(v) { return (v / 1000).toFixed(v >= 100000 ? 0 : 1) + ' ms'; }

  document.title = D.title;
  $('title').textContent = D.title;
  $('subtitle').textContent = 'started ' + D.meta.startedAt + ' \u00b7 ' + fmtMs(D.meta.durationMs - D.meta.recordedFromMs) +
    ' recorded \u00b7 ' + D.meta.stopReason + ' \u00b7 rollcheck ' + D.meta.version;

  function renderVerdict() {
    var box = $('verdict');
    var a = D.analysis;
    if (!a) { box.appendChild(el('p', 'muted', 'Not analysed yet (the results file has no analysis).')); return; }
    box.className = 'verdict ' + (a.verdict.pass ? 'pass' : 'fail');
    box.appendChild(el('div', 'verdict-head', a.verdict.pass ? 'PASS' : a.verdict.inconclusive ? 'INCONCLUSIVE' : 'FAIL'));
    var ul = el('ul');
    a.verdict.reasons.forEach(function (r) { ul.appendChild(el('li', null, r)); });
    if (a.verdict.reasons.length === 0) ul.appendChild(el('li', null, 'no thresholds were set'));
    box.appendChild(ul);
    if (D.meta.interrupted) box.appendChild(el('div', null, 'The run was interrupted (Ctrl-C): the figures cover only the part that ran.'));
    box.appendChild(el('div', 'muted', 'exit code ' + (D.meta.interrupted ? 130 : a.verdict.pass ? 0 : a.verdict.inconclusive ? 3 : 1) + ' (0 pass, 1 verdict failed, 2 usage or environment error, 3 inconclusive, 130 interrupted)'));
  }

  function renderFigures() {
    var t = D.totals;
    var dl = $('figures');
    function add(k, v) { dl.appendChild(el('dt', null, k)); dl.appendChild(el('dd', null, v)); }
    add('target', D.meta.target);
    add('rate', t.achievedRatePerSec + '/s achieved of ' + t.targetRatePerSec + '/s');
    add('requests', t.sent + ' sent \u00b7 ' + t.ok + ' ok \u00b7 ' + t.failed + ' failed (' + pct(t.errorRate) + ')');
    add('generator shortfall', t.dropped + ' dropped (--max-in-flight) \u00b7 ' + (t.queueExpired || 0) + ' never got a connection (--connections) \u00b7 ' + t.inFlightAtStop + ' in flight at stop');
    add('new connections', t.byConn['new'].completed + ' done, ' + t.byConn['new'].failed + ' failed');
    add('reused connections', t.byConn.reused.completed + ' done, ' + t.byConn.reused.failed + ' failed');
    add('latency', 'p50 ' + us(t.latency.p50Us) + ' \u00b7 p90 ' + us(t.latency.p90Us) + ' \u00b7 p99 ' + us(t.latency.p99Us) + ' \u00b7 max ' + us(t.latency.maxUs));
    if (D.analysis) {
      var w = D.analysis.windows;
      add('outages', w.length ? w.length + ' window(s), longest ' + fmtMs(D.analysis.longestOutageMs) + ', total ' + fmtMs(D.analysis.totalOutageMs) : 'none');
    }
    Object.keys(D.meta.facts || {}).forEach(function (k) { add(k, String(D.meta.facts[k])); });
    (D.meta.warnings || []).forEach(function (w) { add('warning', w); });
    var kinds = $('kinds');
    D.kinds.forEach(function (k) {
      var li = el('li');
      var sw = el('span', 'swatch'); sw.style.background = KIND_COLOR[k.kind] || '#888';
      li.appendChild(sw);
      li.appendChild(el('b', null, k.kind + ' (' + (t.byKind[k.kind] || 0) + ')'));
      li.appendChild(document.createTextNode(': ' + k.meaning));
      kinds.appendChild(li);
    });
  }

  function renderFindings() {
    var box = $('findings');
    var list = D.analysis ? D.analysis.findings : [];
    if (list.length === 0) { box.appendChild(el('p', 'muted', 'No findings: nothing in this run points at a shutdown or startup mistake.')); return; }
    list.forEach(function (f) {
      var card = el('article', 'finding ' + f.severity);
      card.setAttribute('data-finding', f.id);
      var h = el('h3');
      h.appendChild(el('span', 'sev', f.severity));
      h.appendChild(el('code', null, f.id));
      h.appendChild(document.createTextNode(' ' + f.title));
      card.appendChild(h);
      var ul = el('ul');
      f.evidence.forEach(function (e) { ul.appendChild(el('li', null, e)); });
      card.appendChild(ul);
      var fix = el('p', 'fix');
      fix.appendChild(el('b', null, 'Fix: '));
      fix.appendChild(document.createTextNode(f.fix));
      card.appendChild(fix);
      box.appendChild(card);
    });
  }

  function shade(u) {
    var ctx = u.ctx, b = u.bbox;
    ctx.save();
    ctx.fillStyle = 'rgba(214, 39, 40, 0.13)';
    (D.analysis ? D.analysis.windows : []).forEach(function (w) {
      var x0 = u.valToPos(w.startMs / 1000, 'x', true), x1 = u.valToPos(w.endMs / 1000, 'x', true);
      ctx.fillRect(x0, b.top, Math.max(2, x1 - x0), b.height);
    });
    ctx.restore();
  }
  function markLines(u) {
    var ctx = u.ctx, b = u.bbox;
    ctx.save();
    ctx.setLineDash([4, 4]);
    ctx.font = (11 * devicePixelRatio) + 'px sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    // Labels that would overlap move down a row.
    var rowEnds = [];
    D.marks.forEach(function (m) {
      var x = u.valToPos(m.t, 'x', true);
      ctx.strokeStyle = m.kind === 'failed' ? '#a50f15' : m.kind === 'step' ? '#3182bd' : '#636363';
      ctx.beginPath(); ctx.moveTo(x, b.top); ctx.lineTo(x, b.top + b.height); ctx.stroke();
      if (!u.__labels) return;
      var row = 0;
      while (rowEnds[row] !== undefined && rowEnds[row] > x) row++;
      rowEnds[row] = x + ctx.measureText(m.label).width + 10 * devicePixelRatio;
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fillText(m.label, x + 3, b.top + (2 + row * 13) * devicePixelRatio);
    });
    ctx.restore();
  }

  var S = D.series;
  var xMin = S.t.length ? S.t[0] : 0;
  var xMax = Math.max(S.t.length ? S.t[S.t.length - 1] + S.bucketMs / 1000 : 1, D.meta.durationMs / 1000);
  function width() { return Math.max(600, Math.min(1400, document.getElementById('charts').clientWidth - 10)); }
  function base(title, height, yLabel) {
    return {
      title: title, width: width(), height: height,
      scales: { x: { time: false, range: [xMin, xMax] } },
      cursor: { sync: { key: 'rollcheck' } },
      axes: [{ label: 's since start' }, { label: yLabel, size: AXIS_SIZE }],
      hooks: { drawAxes: [shade], draw: [markLines] }
    };
  }
  function chart(opts, data, id, labels) {
    var u = new uPlot(opts, data, $(id));
    u.__labels = !!labels;
    u.redraw(false, false);
    charts.push(u);
    return u;
  }

  function renderCharts() {
    var o1 = base('Requests per second', 220, 'req/s');
    o1.series = [{}, { label: 'sent/s', stroke: '#6baed6', width: 1 }, { label: 'ok/s', stroke: '#31a354', width: 1.5 }];
    chart(o1, [S.t, S.sent, S.ok], 'chart-rate', true);

    var kinds = Object.keys(S.failed);
    var o2 = base('Failures per second by kind', 200, 'failures/s');
    o2.series = [{}].concat(kinds.map(function (k) {
      return { label: k, stroke: KIND_COLOR[k] || '#888', fill: (KIND_COLOR[k] || '#888') + '55', width: 1.5, paths: uPlot.paths.stepped({ align: 1 }) };
    }));
    if (kinds.length === 0) { o2.series.push({ label: 'no failures', stroke: '#31a354' }); }
    chart(o2, [S.t].concat(kinds.length ? kinds.map(function (k) { return S.failed[k]; }) : [S.t.map(function () { return 0; })]), 'chart-failures');

    renderLanes();

    var o4 = base('Latency of ok responses (ms, from intended send time)', 200, 'ms');
    o4.series = [{}, { label: 'p50', stroke: '#3182bd', width: 1.5 }, { label: 'p99', stroke: '#e6550d', width: 1.5 }];
    chart(o4, [S.t, S.p50, S.p99], 'chart-latency');
  }

  function renderLanes() {
    var lanes = D.lanes;
    if (lanes.length === 0) { $('chart-pods').appendChild(el('p', 'muted', 'No pod events in this run (load mode, or no driver).')); return; }
    // A blank label keeps the label's room, so this plot area lines up with the other charts'.
    var o = base('Pods', 50 + 26 * lanes.length, ' ');
    o.scales.y = { range: [0, lanes.length] };
    o.axes[1] = {
      label: ' ', size: AXIS_SIZE, splits: function () { return lanes.map(function (_, i) { return i + 0.5; }); },
      values: function (u, splits) { return splits.map(function (v) { var l = lanes[lanes.length - 1 - Math.floor(v)]; return l ? (l.pod.length > 22 ? l.pod.slice(0, 21) + '\u2026' : l.pod) : ''; }); },
      grid: { show: false }
    };
    o.series = [{}, { label: 'pod lanes', show: false }];
    o.legend = { show: false };
    o.hooks.draw = [function (u) {
      var ctx = u.ctx;
      ctx.save();
      lanes.forEach(function (l, i) {
        var yTop = u.valToPos(lanes.length - i, 'y', true), yBot = u.valToPos(lanes.length - i - 1, 'y', true);
        var h = (yBot - yTop) * 0.7, y = yTop + (yBot - yTop) * 0.15;
        l.spans.forEach(function (s) {
          var x0 = u.valToPos(Math.max(s.s, xMin), 'x', true), x1 = u.valToPos(s.e === null ? xMax : s.e, 'x', true);
          if (x1 <= x0) return;
          ctx.fillStyle = STATE_COLOR[s.state] || '#bbb';
          ctx.fillRect(x0, y, x1 - x0, h);
        });
        l.marks.forEach(function (m) {
          if (m.t < xMin || m.t > xMax) return;
          var x = u.valToPos(m.t, 'x', true);
          ctx.fillStyle = m.kind === 'sigkill' ? '#67000d' : m.kind === 'sigterm' ? '#d94801' : m.kind === 'pod-ready' ? '#006d2c' : '#252525';
          ctx.fillRect(x - 1 * devicePixelRatio, y - 2, 2 * devicePixelRatio, h + 4);
        });
      });
      ctx.restore();
      markLines(u);
    }];
    chart(o, [S.t, S.t.map(function () { return null; })], 'chart-pods');
    var legend = $('lane-legend');
    Object.keys(STATE_COLOR).forEach(function (s) {
      var li = el('li'); var sw = el('span', 'swatch'); sw.style.background = STATE_COLOR[s];
      li.appendChild(sw); li.appendChild(document.createTextNode(s)); legend.appendChild(li);
    });
    [['sigterm', '#d94801', 'SIGTERM'], ['sigkill', '#67000d', 'SIGKILL'], ['ready', '#006d2c', 'ready']].forEach(function (m) {
      var li = el('li'); var sw = el('span', 'swatch tick'); sw.style.background = m[1];
      li.appendChild(sw); li.appendChild(document.createTextNode(m[2] + ' mark')); legend.appendChild(li);
    });
  }

  function renderTable() {
    var rows = D.table.rows;
    var kindSel = $('filter-kind'), podSel = $('filter-pod'), body = $('failure-rows'), count = $('failure-count');
    function options(sel, values) {
      values.forEach(function (v) { var o = el('option', null, v === '' ? '(none)' : v); o.value = v; sel.appendChild(o); });
    }
    function uniq(i) { var s = {}; rows.forEach(function (r) { s[r[i]] = true; }); return Object.keys(s).sort(); }
    options(kindSel, uniq(1));
    options(podSel, uniq(3));
    function draw() {
      var k = kindSel.value, p = podSel.value, shown = 0;
      while (body.firstChild) body.removeChild(body.firstChild);
      rows.forEach(function (r) {
        if ((k !== '*' && r[1] !== k) || (p !== '*' && r[3] !== p)) return;
        var tr = el('tr');
        tr.appendChild(el('td', 'num', r[0].toFixed(3)));
        var kind = el('td'); var sw = el('span', 'swatch'); sw.style.background = KIND_COLOR[r[1]] || '#888';
        kind.appendChild(sw); kind.appendChild(document.createTextNode(r[1])); tr.appendChild(kind);
        [r[2], r[3], r[4], r[5]].forEach(function (v) { tr.appendChild(el('td', null, v)); });
        tr.appendChild(el('td', 'num', r[6]));
        tr.appendChild(el('td', null, r[7]));
        body.appendChild(tr);
        shown++;
      });
      var rest = D.table.total - rows.length;
      count.textContent = shown + ' of ' + D.table.total + ' failures shown' + (rest > 0 ? ' (the table holds the first ' + rows.length + '; ' + rest + ' more are in the results file)' : '');
    }
    kindSel.addEventListener('change', draw);
    podSel.addEventListener('change', draw);
    draw();
  }

  function renderWindows() {
    var box = $('windows');
    var w = D.analysis ? D.analysis.windows : [];
    if (w.length === 0) { box.appendChild(el('p', 'muted', 'No outage window: failures never outnumbered successes.')); return; }
    var ul = el('ul');
    w.forEach(function (x) {
      ul.appendChild(el('li', null, (x.startMs / 1000).toFixed(3) + ' s \u2013 ' + (x.endMs / 1000).toFixed(3) + ' s: ' + fmtMs(x.durationMs) +
        ', ' + x.failures + ' failures' + (x.pods && x.pods.length ? ' (' + x.pods.join(', ') + ')' : '')));
    });
    box.appendChild(ul);
  }

  function renderSteps() {
    var sc = D.scenario;
    if (!sc || !sc.steps || sc.steps.length === 0) return;
    $('scenario-section').hidden = false;
    var box = $('scenario-steps');
    box.appendChild(el('p', null, sc.name + ': ' + (sc.pass ? 'every step passed' : 'a step failed')));
    var table = el('table');
    var head = el('tr');
    ['#', 'step', 'span (s)', 'failed / completed', 'verdict', 'why'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(head);
    sc.steps.forEach(function (st) {
      var tr = el('tr');
      tr.appendChild(el('td', 'num', String(st.index + 1)));
      tr.appendChild(el('td', null, st.step));
      tr.appendChild(el('td', 'num', (st.startMs / 1000).toFixed(1) + ' \u2013 ' + (st.endMs / 1000).toFixed(1)));
      tr.appendChild(el('td', 'num', st.failures + ' / ' + st.completed));
      tr.appendChild(el('td', null, st.pass ? 'pass' : 'FAIL'));
      tr.appendChild(el('td', null, (st.error ? st.error + '; ' : '') + st.reasons.join('; ')));
      table.appendChild(tr);
    });
    box.appendChild(table);
  }

  renderVerdict();
  renderFigures();
  renderSteps();
  renderFindings();
  renderWindows();
  renderCharts();
  renderTable();
  window.addEventListener('resize', function () { charts.forEach(function (u) { u.setSize({ width: width(), height: u.height }); }); });
  document.body.setAttribute('data-rendered', 'true');
})();
`;
