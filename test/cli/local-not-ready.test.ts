// test-lane: slow: real rollouts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { createTestIo } from '../helpers.js';
import { loadResults } from '../../src/results/io.js';

// The pods of the first revision serve at once. A pod of a later revision starts a placeholder that
// passes the readiness probe, drops it after 1.5 s and listens for real 2 s later: ready before it
// really listens, as an app whose probe answers before its server is up.
const SERVER = `const s = require('http').createServer((q, r) => { r.setHeader('x-pod-name', process.env.POD_NAME); r.end('ok'); }).listen(+process.env.PORT, process.env.HOST); process.on('SIGTERM', () => { s.close(); setTimeout(() => process.exit(0), 200); });`;
const command = (dir: string): string =>
  [
    'rev=${POD_NAME%-*}',
    `[ -e ${dir}/first-rev ] || echo "$rev" > ${dir}/first-rev`,
    `if [ "$(cat ${dir}/first-rev)" = "$rev" ]; then exec node -e "$SERVER"; fi`,
    'node -e "$SERVER; setTimeout(() => process.exit(0), 1500)"',
    'sleep 2',
    'exec node -e "$SERVER"',
  ].join('\n');

test('rollcheck local: a new pod ready before it listens gets not-ready-traffic, and the old pods are not blamed for it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-not-ready-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'run.json');
  const io = createTestIo({ cwd: dir });
  const code = await runCli(
    ['local', '--cmd', command(dir), '--env', `SERVER=${SERVER}`, '--readiness-path', '/', '--readiness-period', '200ms',
      '--endpoint-delay', '300ms', '--prestop-sleep', '1s', '--grace-period', '3s', '--replicas', '2', '--rate', '100',
      '--warmup', '1s', '--baseline', '2s', '--cooldown', '3s', '--out', out, '--no-dashboard'],
    io,
  );
  const r = loadResults(out);
  const a = r.analysis;
  assert.ok(a);
  assert.equal(a.verdict.inconclusive, undefined, `baseline clean: ${a.verdict.reasons.join('; ')}`);
  const finding = a.findings.find((f) => f.id === 'not-ready-traffic');
  assert.ok(finding, `findings: ${a.findings.map((f) => `${f.id} ${f.failures}`).join(', ')}; stderr ${io.err()}`);
  const firstRev = readFileSync(join(dir, 'first-rev'), 'utf8').trim();
  assert.ok(finding.pods.every((p) => !p.startsWith(`${firstRev}-`)), `only new pods: ${finding.pods.join(', ')}`);
  assert.ok(finding.failures > 0);
  // The failures on new connections carry no pod: decided by endpoint state, never pinned on an old pod.
  const fresh = a.attributions.filter((x) => r.failures[x.failure]?.reused === false);
  assert.ok(fresh.some((x) => x.cause === 'not-ready-traffic'), `new-connection failures: ${fresh.map((x) => `${x.cause ?? '-'}@${x.pod ?? '-'}`).join(' ')}`);
  assert.ok(fresh.every((x) => x.pod === undefined || !x.pod.startsWith(`${firstRev}-`)), `pinned on an old pod: ${fresh.filter((x) => x.pod?.startsWith(`${firstRev}-`)).slice(0, 3).map((x) => x.text).join(" | ")}`);
  assert.equal(code, 1);
});
