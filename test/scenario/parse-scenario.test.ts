import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../../src/scenario/index.js';
import { isUsageError } from '../../src/errors.js';
import type { LocalRuntimeSettings } from '../../src/cluster/local/index.js';

const BASE = `name: t
target:
  local:
    app: demo
    entrypoint: shell
    replicas: 2
    grace-period: 3s
    prestop-sleep: 1s
    max-surge: 1
    max-unavailable: 0
    env:
      DEMO_LATENCY_MS: "100"
traffic:
  rate: 150
  connections: 4
  fresh: 25%
  headers:
    X-Game-Day: "yes"
thresholds:
  max-errors: 3
  max-p99: 400ms
steps:
  - wait: 2s
  - rollout: restart
  - kill-pod: {which: oldest, signal: TERM, grace: 100ms}
    name: kill it
  - kill-pod: {name: demo-abc}
  - scale: 4
  - scale: {replicas: 1}
  - cmd: echo hi
  - cmd: {run: "sleep 1", timeout: 5s}
    at: 40s
cooldown: 1s
`;

test('a full scenario parses into settings, traffic, thresholds and steps', () => {
  const s = parseScenario('s.yaml', BASE, '/tmp');
  assert.equal(s.name, 't');
  assert.equal(s.target.driver, 'local');
  const st = s.target.settings as LocalRuntimeSettings;
  assert.deepEqual(st.app, { kind: 'demo', entrypoint: 'shell' });
  assert.equal(st.replicas, 2);
  assert.equal(st.graceMs, 3000);
  assert.deepEqual(st.preStop, { kind: 'sleep', ms: 1000 });
  assert.deepEqual(st.maxSurge, { count: 1 });
  assert.deepEqual(st.env, { DEMO_LATENCY_MS: '100' });
  assert.equal(s.traffic.ratePerSec, 150);
  assert.equal(s.traffic.connections, 4);
  assert.equal(s.traffic.freshPercent, 25);
  assert.deepEqual(s.traffic.headers, [['X-Game-Day', 'yes']]);
  assert.deepEqual(s.thresholds, { maxErrors: 3, maxP99Ms: 400 });
  assert.equal(s.cooldownMs, 1000);
  assert.deepEqual(
    s.steps.map((x) => [x.label, x.line]),
    [
      ['wait 2s', 23],
      ['rollout restart', 24],
      ['kill it', 25],
      ['kill-pod demo-abc', 27],
      ['scale to 4', 28],
      ['scale to 1', 29],
      ['cmd "echo hi"', 30],
      ['cmd "sleep 1"', 31],
    ],
  );
  assert.deepEqual(s.steps[2]?.action, {
    kind: 'kill-pod',
    request: { which: 'oldest', signal: 'SIGTERM', graceMs: 100 },
  });
  assert.deepEqual(s.steps[7]?.action, { kind: 'cmd', command: 'sleep 1', timeoutMs: 5000 });
  assert.equal(s.steps[7]?.atMs, 40_000);
});

test('the front-door traffic flags as scenario keys: mix, body file, in-flight cap, CA file (next to the scenario), resolve, client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-scenario-'));
  try {
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    writeFileSync(join(dir, 'order.json'), '{"id":1}');
    const text =
      'target: {kube: {deployment: web, url: "https://shop.example:8443/"}}\n' +
      'traffic:\n  mix: GET:/items=80,POST:/orders=20\n  body-file: order.json\n  max-in-flight: 500\n' +
      '  ca-cert: ca.pem\n  resolve: shop.example:8443:127.0.0.1\n  client: undici\n' +
      'steps: [{rollout: restart}]\n';
    const t = parseScenario('f.yaml', text, dir).traffic;
    assert.deepEqual(t.mix?.map((m) => [m.method, m.path, m.weight]), [['GET', '/items', 80], ['POST', '/orders', 20]]);
    assert.equal(Buffer.from(t.body ?? []).toString(), '{"id":1}');
    assert.equal(t.maxInFlight, 500);
    assert.equal(t.tls?.caPath, join(dir, 'ca.pem'));
    assert.deepEqual(t.resolve, { host: 'shop.example', port: 8443, addr: '127.0.0.1' });
    assert.equal(t.client, 'undici');
    assert.throws(() => parseScenario('f.yaml', 'target: {local: {}}\ntraffic:\n  client: curl\nsteps: [{wait: 1s}]\n', dir), /f\.yaml:3: traffic\.client: "curl" is no client/);
    assert.throws(() => parseScenario('f.yaml', 'target: {local: {}}\ntraffic:\n  insecure: true\n  ca-cert: ca.pem\nsteps: [{wait: 1s}]\n', dir), /f\.yaml:4: traffic\.ca-cert: --ca-cert and --insecure: give only one/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a local target\'s readiness probe: grpc, tcp or http:PATH, one line at the key for anything else', () => {
  const settingsOf = (v: string): LocalRuntimeSettings => parseScenario('r.yaml', `target:\n  local: {readiness: "${v}"}\nsteps: [{wait: 1s}]\n`, '/tmp').target.settings as LocalRuntimeSettings;
  assert.deepEqual(settingsOf('grpc:rollcheck.demo.Demo').readiness, { kind: 'grpc', service: 'rollcheck.demo.Demo' });
  assert.deepEqual(settingsOf('tcp').readiness, { kind: 'tcp' });
  const http = settingsOf('http:/ready');
  assert.deepEqual([http.readiness, http.readinessPath], [undefined, '/ready']);
  assert.throws(() => settingsOf('exec'), /r\.yaml:2: target\.local\.readiness: "exec" is not a probe; use http:\/healthz, tcp, grpc or grpc:SERVICE/);
  assert.throws(
    () => parseScenario('r.yaml', 'target:\n  local: {readiness: tcp, readiness-path: /x}\nsteps: [{wait: 1s}]\n', '/tmp'),
    /give either readiness or readiness-path, not both/,
  );
});

test('a kube target may ask for PID 1 through pods/exec (inspect-pid1), as run --inspect-pid1', () => {
  const s = parseScenario('k.yaml', 'target:\n  kube: {deployment: web, url: "http://10.0.0.5:30080/", inspect-pid1: true}\nsteps: [{rollout: restart}]\n', '/tmp');
  assert.deepEqual(s.target, { driver: 'kube', settings: { workload: { kind: 'deployment', name: 'web' }, url: 'http://10.0.0.5:30080/', inspectPid1: true } });
  assert.throws(() => parseScenario('k.yaml', 'target:\n  kube: {deployment: web, url: "http://x/", inspect-pid1: maybe}\nsteps: [{wait: 1s}]\n', '/tmp'), /k\.yaml:2: target\.kube\.inspect-pid1/);
});

test('a kube target and an image rollout', () => {
  const s = parseScenario(
    'k.yaml',
    `target:
  kube: {deployment: web, url: "http://10.0.0.5:30080/", namespace: shop, context: staging}
steps:
  - rollout: {image: registry/web:2, container: app, timeout: 3m}
  - rollout: {cmd: "helm upgrade web ./chart", wait: false}
`,
    '/tmp',
  );
  assert.deepEqual(s.target, {
    driver: 'kube',
    settings: { workload: { kind: 'deployment', name: 'web' }, url: 'http://10.0.0.5:30080/', namespace: 'shop', context: 'staging' },
  });
  assert.deepEqual(s.steps[0]?.action, {
    kind: 'rollout',
    trigger: { kind: 'image', image: 'registry/web:2', container: 'app' },
    wait: true,
    timeoutMs: 180_000,
  });
  assert.deepEqual(s.steps[1]?.action, {
    kind: 'rollout',
    trigger: { kind: 'cmd', command: 'helm upgrade web ./chart' },
    wait: false,
    timeoutMs: 600_000,
  });
});

// Each bad file → the line and the field the message must name.
const BAD: Array<[string, string, RegExp]> = [
  ['bad YAML', 'target:\n  local: {app: demo\nsteps: []\n', /^b\.yaml:\d+: not valid YAML/],
  [
    'unknown top-level field',
    'target: {local: {}}\nstepz:\n  - wait: 1s\n',
    /^b\.yaml:2: stepz: unknown field "stepz"; expected one of: name, description/,
  ],
  ['no steps', 'target: {local: {}}\n', /^b\.yaml:1: scenario: the "steps" list is missing/],
  [
    'unknown step',
    'target: {local: {}}\nsteps:\n  - wait: 1s\n  - reboot: now\n',
    /^b\.yaml:4: steps\[1\]\.reboot: unknown field "reboot"; expected one of: wait, rollout, kill-pod, scale, cmd/,
  ],
  [
    'two actions in one step',
    'target: {local: {}}\nsteps:\n  - wait: 1s\n    scale: 2\n',
    /^b\.yaml:3: steps\[0\]: a step does one thing, this one has wait and scale/,
  ],
  [
    'bad duration',
    'target: {local: {}}\nsteps:\n  - wait: soon\n',
    /^b\.yaml:3: steps\[0\]\.wait: cannot read "soon" as a duration/,
  ],
  [
    'bad kill which',
    'target: {local: {}}\nsteps:\n  - kill-pod: youngest\n',
    /^b\.yaml:3: steps\[0\]\.kill-pod: "youngest" is not one of random, oldest, newest/,
  ],
  [
    'bad signal',
    'target: {local: {}}\nsteps:\n  - kill-pod:\n      which: oldest\n      signal: HUP\n',
    /^b\.yaml:5: steps\[0\]\.kill-pod\.signal: "HUP" is not SIGTERM or SIGKILL/,
  ],
  [
    'negative scale',
    'target: {local: {}}\nsteps:\n  - scale: -1\n',
    /^b\.yaml:3: steps\[0\]\.scale: expected a whole number of 0 or more/,
  ],
  [
    'rate not a number',
    'target: {local: {}}\ntraffic:\n  rate: lots\nsteps: [{wait: 1s}]\n',
    /^b\.yaml:3: traffic\.rate: "lots" must be a number greater than 0/,
  ],
  [
    'bad error rate',
    'target: {local: {}}\nthresholds:\n  max-error-rate: 200%\nsteps: [{wait: 1s}]\n',
    /^b\.yaml:3: thresholds\.max-error-rate: cannot read "200%" as a share/,
  ],
  [
    'image on process runtime',
    'target: {local: {image: x}}\nsteps: [{wait: 1s}]\n',
    /^b\.yaml:1: target\.local\.image: only container runtimes use it/,
  ],
  [
    'podman without image',
    'target:\n  local:\n    runtime: podman\nsteps: [{wait: 1s}]\n',
    /^b\.yaml:3: target\.local: "image" is missing: runtime podman runs each pod from an image/,
  ],
  [
    'image rollout on process runtime',
    'target: {local: {}}\nsteps:\n  - rollout: {image: web:2}\n',
    /^b\.yaml:3: steps\[0\]\.rollout\.image: an image rollout needs a container target/,
  ],
  [
    'two targets',
    'target:\n  local: {}\n  kube: {deployment: w, url: "http://x/"}\nsteps: [{wait: 1s}]\n',
    /^b\.yaml:2: target: give exactly one of "local" or "kube"/,
  ],
  [
    'kube without url',
    'target:\n  kube: {deployment: w}\nsteps: [{wait: 1s}]\n',
    /^b\.yaml:2: target\.kube: "url" is missing/,
  ],
  [
    'at going backwards',
    'target: {local: {}}\nsteps:\n  - wait: 1s\n    at: 10s\n  - wait: 1s\n    at: 5s\n',
    /^b\.yaml:6: steps\[1\]\.at: steps run in order/,
  ],
  [
    'bad entrypoint',
    'target:\n  local:\n    entrypoint: bash\nsteps: [{wait: 1s}]\n',
    /^b\.yaml:3: target\.local\.entrypoint: "bash" is not shell, exec or tini/,
  ],
];

for (const [what, text, want] of BAD) {
  test(`bad scenario: ${what} → one line naming the line and the field`, () => {
    assert.throws(
      () => parseScenario('b.yaml', text, '/tmp'),
      (e: unknown) => {
        if (!isUsageError(e)) return false;
        assert.match(e.message, want);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      },
    );
  });
}

test('every example in manifests/scenarios parses', () => {
  const dir = join(import.meta.dirname, '../../manifests/scenarios');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 4);
  for (const f of files) {
    const s = parseScenario(f, readFileSync(join(dir, f), 'utf8'), dir);
    assert.ok(s.steps.length > 0, f);
  }
});

test('a kube target of an Argo Rollout takes promote and abort-at, as run --promote and --abort-at; on another kind they fail at their line', () => {
  const target = (keys: string, workload = 'rollout/demo') => parseScenario('k.yaml', `target:\n  kube: {workload: ${workload}, url: "http://10.0.0.5:30080/"${keys}}\nsteps: [{rollout: restart}]\n`, '/tmp').target.settings;
  assert.deepEqual((target('') as { rollout?: unknown }).rollout, { promote: 'auto' });
  assert.deepEqual((target(', promote: manual, abort-at: 2') as { rollout?: unknown }).rollout, { promote: 'manual', abortAtStep: 2 });
  assert.throws(() => target(', promote: sometimes'), /k\.yaml:2: target\.kube\.promote: .*"sometimes" is neither auto/);
  assert.throws(() => target(', abort-at: 1', 'deployment/web'), /k\.yaml:2: target\.kube\.abort-at: .*is for an Argo Rollout/);
});
