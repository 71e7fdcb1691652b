import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyze } from '../../src/analysis/index.js';
import { renderCompareReport, renderReport } from '../../src/report/index.js';
import type { FailureRecord } from '../../src/results/types.js';
import { fail, makeResults } from '../analysis/fixtures.js';
import { sampleResults } from './sample-results.js';

const GOLDEN = resolve('test/report/testdata/report.golden.html');

// The vendored uPlot is the same bytes in every report; the golden file keeps a marker instead.
function normalize(html: string): string {
  return html.replace(/(<script>\/\* uPlot [^*]*\*\/\n)[\s\S]*?(<\/script>)/, '$1/* uPlot inlined here */$2').replace(/(<style>\/\* uPlot [^*]*\*\/\n)[\s\S]*?(<\/style>)/, '$1/* uPlot css */$2');
}

test('report: golden HTML of the seeded run (UPDATE_GOLDEN=1 rewrites it)', () => {
  const html = normalize(renderReport(sampleResults()));
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
    mkdirSync(dirname(GOLDEN), { recursive: true });
    writeFileSync(GOLDEN, html);
    if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`golden file was missing and has been written: ${GOLDEN}; run again`);
  }
  assert.equal(html, readFileSync(GOLDEN, 'utf8'));
});

test('report: scenario steps and rollout events become markers on the time axis', () => {
  const html = renderReport(sampleResults());
  assert.match(html, /"marks":\[\{"t":2\.99,"label":"step 1: rollout restart","kind":"step"\},\{"t":3,"label":"rollout started \(restart\)","kind":"rollout"\}/);
});

test('report: the page inlines uPlot and fetches nothing', () => {
  const html = renderReport(sampleResults());
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.ok(html.includes('uPlot'), 'uPlot inlined');
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!github\.com\/leeoniya)[a-z]/i);
});

test('report: hostile strings cannot close the data block or open tags', () => {
  const html = renderReport(sampleResults({ hostile: true }));
  const data = html.slice(html.indexOf('id="rollcheck-data">'), html.indexOf('</script>', html.indexOf('id="rollcheck-data">')));
  assert.ok(!data.includes('<'), 'no < inside the JSON block');
  assert.ok(data.includes('\\u003cscript\\u003ewindow.__pwned=1'), 'the markup is kept, escaped');
  assert.equal(html.match(/<script/g)?.length, 3, 'only the three scripts the page has');
});

test('report: a 10-minute run at 5 000 req/s stays under 5 MB', () => {
  const failures: FailureRecord[] = [];
  for (let i = 0; i < 5000; i += 1) failures.push(fail(100_000 + i * 20, i % 2 ? 'reset' : 'refused', { pod: `demo-${i % 7}`, message: 'other side closed' }));
  const r = makeResults({ ratePerSec: 5000, durationMs: 600_000, failures });
  for (const s of r.intervals) s.histogram = 'HISTFAAAAB'.repeat(40);
  r.analysis = analyze(r, { maxErrors: 0 });
  const html = renderReport(r);
  const mb = Buffer.byteLength(html) / 1e6;
  assert.ok(mb < 5, `report is ${mb.toFixed(2)} MB`);
  assert.match(html, /"total":5000/);
});

test('compare report: rows for each run, escaped labels', () => {
  const html = renderCompareReport([sampleResults(), sampleResults({ hostile: true })], { labels: ['a', '<b>'] });
  assert.match(html, /"label":"a"/);
  assert.match(html, /"label":"\\u003cb\\u003e"/);
});

test('report: a scenario run carries its per-step verdicts, escaped', () => {
  const r = sampleResults();
  r.scenario = {
    name: 'game <day>',
    file: 'g.yaml',
    pass: false,
    steps: [
      { index: 0, step: 'kill-pod <img src=x onerror=alert(1)>', startMs: 1000, endMs: 4000, ok: true, failures: 3, completed: 300, pass: false, reasons: ['3 failed requests, more than the 0 allowed'] },
    ],
  };
  const html = renderReport(r);
  const data = html.slice(html.indexOf('id="rollcheck-data">'), html.indexOf('</script>', html.indexOf('id="rollcheck-data">')));
  assert.ok(data.includes('"scenario":{"name":"game \\u003cday\\u003e"'), 'the steps reach the page as data');
  assert.ok(data.includes('kill-pod \\u003cimg src=x onerror=alert(1)\\u003e'));
  assert.ok(!renderReport(sampleResults()).includes('"scenario":{'), 'no steps section data for other runs');
});
