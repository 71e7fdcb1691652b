// test-lane: slow: a real Prometheus scraping a demo rung
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { loadResults } from '../../src/results/io.js';
import { OUTCOME_KINDS } from '../../src/results/types.js';
import { createTestIo } from '../helpers.js';
import { skipUnless } from '../tools.js';
import { freePort } from '../traffic/harness.js';

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** startPrometheus runs the real prometheus scraping `target` every 500 ms, its data in `dir`; resolves once it is ready. */
async function startPrometheus(dir: string, target: string): Promise<{ url: string; proc: ChildProcess; log: () => string }> {
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    ['global:', '  scrape_interval: 500ms', '  scrape_timeout: 500ms', 'scrape_configs:', '  - job_name: rollcheck', '    static_configs:', `      - targets: ['${target}']`, ''].join('\n'),
  );
  const args = [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'];
  const proc = spawn('prometheus', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i += 1) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited ${proc.exitCode}: ${log}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return { url, proc, log: () => log };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus not ready after 30 s: ${log}`);
}

/** queryRange is `promql` over the last `minutes`, a value each second: the series it found. */
async function queryRange(url: string, promql: string, minutes = 5): Promise<Array<{ metric: Record<string, string>; values: unknown[] }>> {
  const end = Date.now() / 1000;
  const q = new URLSearchParams({ query: promql, start: String(end - minutes * 60), end: String(end), step: '1' });
  const body = (await (await fetch(`${url}/api/v1/query_range?${q.toString()}`)).json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; values: unknown[] }> } };
  assert.equal(body.status, 'success', `${promql}: ${body.error ?? ''}`);
  return body.data.result;
}

/** DASHBOARD_EXPRS are the PromQL expressions of manifests/grafana's dashboard, by panel title, its variables filled in as Grafana would. */
function dashboardExprs(): Array<[string, string]> {
  const d = JSON.parse(readFileSync(new URL('../../manifests/grafana/rollcheck-dashboard.json', import.meta.url), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
  return d.panels.flatMap((p) => p.targets.map((t): [string, string] => [p.title, t.expr.replaceAll('$job', '.*').replaceAll('$__rate_interval', '2s')]));
}

async function query(url: string, promql: string): Promise<Sample[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; data: { result: Sample[] } };
  assert.equal(body.status, 'success', promql);
  return body.data.result;
}

/** lastValue is a metric's last scraped value: last_over_time skips the staleness marker left when the endpoint closed. */
async function lastValue(url: string, promql: string): Promise<number> {
  const r = await query(url, `sum(last_over_time(${promql}[10m]))`);
  return Number(r[0]?.value[1] ?? NaN);
}

// A real Prometheus scrapes a real local run (the demo's exec rung: pods replaced, requests refused) and its
// figures, read back through Prometheus' HTTP API, are the results file's.
test('--metrics-port: a real Prometheus scraping a local run ends with the results file\'s counts', { timeout: 180_000, skip: skipUnless('prometheus') }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-prom-'));
  const metricsPort = await freePort();
  const prom = await startPrometheus(dir, `127.0.0.1:${metricsPort}`);
  t.after(async () => {
    if (prom.proc.exitCode === null) {
      prom.proc.kill('SIGTERM');
      await new Promise((r) => prom.proc.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const io = createTestIo({ cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  const args = ['demo', '--variants', 'exec', '--no-dashboard', '--baseline', '1s', '--cooldown', '1s', '--out-dir', 'out'];
  const code = await runCli([...args, '--metrics-port', String(metricsPort), '--metrics-linger', '3s'], io);
  assert.equal(code, 0, io.out() + io.err());
  assert.match(io.err(), new RegExp(`metrics at http://127\\.0\\.0\\.1:${metricsPort}/metrics`));
  const r = loadResults(join(dir, 'out', '1-exec.json'));
  assert.ok(r.totals.failed > 0, 'the exec rung drops requests');
  const url = prom.url;
  // The last scrape saw the final figures.
  assert.equal(await lastValue(url, 'rollcheck_run_finished'), 1, prom.log());
  for (const kind of OUTCOME_KINDS) {
    assert.equal(await lastValue(url, `rollcheck_requests_total{outcome="${kind}"}`), r.totals.byKind[kind] ?? 0, kind);
  }
  for (const conn of ['new', 'reused'] as const) {
    assert.equal(await lastValue(url, `rollcheck_requests_total{outcome!="ok",connection="${conn}"}`), r.totals.byConn[conn].failed, conn);
  }
  assert.equal(await lastValue(url, 'rollcheck_requests_sent_total'), r.totals.sent);
  assert.equal(await lastValue(url, 'rollcheck_request_latency_seconds_count'), r.totals.latency.count);
  assert.equal(await lastValue(url, 'rollcheck_request_latency_seconds_bucket{le="+Inf"}'), r.totals.ok);
  assert.equal(await lastValue(url, 'rollcheck_rollouts_total{event="completed"}'), 1);
  assert.equal(await lastValue(url, 'rollcheck_verdict{verdict="fail"}'), 1);
  const findings = await query(url, 'last_over_time(rollcheck_findings[10m])');
  assert.deepEqual(findings.map((s) => s.metric.id).sort(), (r.analysis?.findings ?? []).map((f) => f.id).sort());
  // Scraped while the run went too: smaller sent counts, and the not-yet-finished flag, before the final figures.
  const sentMin = await query(url, 'min_over_time(rollcheck_requests_sent_total[10m])');
  assert.ok(Number(sentMin[0]?.value[1]) < r.totals.sent, 'a scrape during the run');
  assert.equal(Number((await query(url, 'min_over_time(rollcheck_run_finished[10m])'))[0]?.value[1]), 0);
  // The Grafana dashboard's queries are valid PromQL over these metrics, and those of a run without runners show data.
  for (const [title, expr] of dashboardExprs()) {
    const series = await queryRange(url, expr);
    if (title !== 'Runner shares') assert.ok(series.length > 0, `dashboard panel "${title}": ${expr} found nothing`);
  }
});
