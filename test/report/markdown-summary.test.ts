import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMarkdownSummary } from '../../src/report/markdown-summary.js';
import { formatAnnotations } from '../../src/report/github-annotations.js';
import { compareWithBaseline, withRegressions } from '../../src/analysis/regression.js';
import { parseRegressionLimits } from '../../src/analysis/regression-limits.js';
import { sampleResults } from './sample-results.js';
import { statefulSetDrainResults } from './drain-results.js';
import { analyze } from '../../src/analysis/index.js';

test('Markdown summary: verdict, counts, outage, findings with fixes and a per-pod table, short enough for a PR comment', () => {
  const r = sampleResults();
  const md = formatMarkdownSummary(r);
  assert.match(md, /^### ❌ rollcheck \w+: FAIL$/m);
  assert.match(md, new RegExp(`\\| ${r.totals.sent} \\| ${r.totals.ok} \\| ${r.totals.failed} \\|`));
  assert.match(md, /- \*\*sigterm-ignored\*\* \(critical, \d+ failures\)/);
  assert.match(md, /^ {2}- \*\*fix:\*\* /m);
  // Every pod of the run, the old ones SIGKILLed 3 s after SIGTERM.
  assert.match(md, /\| demo-5d8f-a1b2c \| \d+ \| \d+ \| killed by SIGKILL, 3\.0 s after SIGTERM \|/);
  assert.ok(md.length < 6000, `${md.length} characters`);
});

test('Markdown summary: the baseline diff marks each regression; markup from the run is escaped', () => {
  const base = sampleResults();
  const r = sampleResults({ hostile: true });
  base.totals.failed = 1;
  const c = compareWithBaseline(base, r, parseRegressionLimits('errors=0,p99=20%'));
  const md = formatMarkdownSummary(r, { comparison: c });
  assert.match(md, new RegExp(`\\| errors \\| 1 \\| ${r.totals.failed} \\| 0 \\| ❌ regressed \\|`));
  assert.match(md, /\| p99 \| [^|]+ \| [^|]+ \| 20% \| ✅ \|/);
  assert.match(md, /\| outage \| [^|]+ \| [^|]+ \| — \| {2}\|/);
  assert.doesNotMatch(md, /<script>|<img/);
});

test('annotations: one ::error per critical finding titled with its id, ::warning for warnings, one per regression', () => {
  const r = sampleResults();
  const lines = formatAnnotations(r);
  const findings = r.analysis?.findings ?? [];
  const critical = findings.filter((f) => f.severity === 'critical');
  const warnings = findings.filter((f) => f.severity === 'warning');
  assert.equal(lines.filter((l) => l.startsWith('::error ')).length, critical.length);
  assert.equal(lines.filter((l) => l.startsWith('::warning ')).length, warnings.length);
  assert.equal(lines.filter((l) => l.startsWith('::error title=sigterm-ignored::')).length, 1);
  for (const l of lines) assert.doesNotMatch(l, /\n/);
  const base = sampleResults();
  base.totals.failed = 0;
  if (r.analysis) r.analysis.verdict = withRegressions(r.analysis.verdict, compareWithBaseline(base, r, { errors: { count: 0 } }).regressions);
  assert.match(formatAnnotations(r).at(-1) ?? '', /^::error title=regression::\d+ failed requests, up from 0 \(--max-regression errors=0\)$/);
});

test('annotations: newlines and percent signs are escaped as workflow commands need', () => {
  const r = sampleResults();
  const f = r.analysis?.findings.find((x) => x.severity === 'critical');
  assert.ok(f);
  f.title = 'line one\nline two 100%';
  const line = formatAnnotations(r).find((l) => l.includes(`title=${f.id}`)) ?? '';
  assert.match(line, /line one%0Aline two 100%25/);
});

test('Markdown summary: a StatefulSet pod replaced under its name is two rows, each with its own answers and end', () => {
  const r = statefulSetDrainResults();
  r.analysis = analyze(r, { maxErrors: 0 });
  const md = formatMarkdownSummary(r);
  // 50 ok a second each: the first demo-0 until 5 s, its replacement from 7.6 s to 12 s less the request that failed.
  assert.match(md, /\| demo-0 \| 250 \| 1 \| exit 0, 1\.4 s after SIGTERM \|/);
  assert.match(md, /\| demo-0 \(2\) \| 219 \| 1 \| running \|/);
});
