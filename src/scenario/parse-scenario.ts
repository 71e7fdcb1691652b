import { isUsageError } from '../errors.js';
import { parseCountOrPercent, parsePercent, parseUrl } from '../parse.js';
import { readThresholds } from '../results/thresholds.js';
import { DEFAULT_LOCAL_SETTINGS } from '../cluster/local/settings.js';
import type { LocalRuntimeSettings } from '../cluster/local/settings.js';
import type { Thresholds } from '../results/types.js';
import { readTrafficSettings } from '../traffic/settings.js';
import type { TrafficSettings } from '../traffic/settings.js';
import { parseSteps } from './parse-steps.js';
import type { Scenario, ScenarioStep, ScenarioTarget } from './types.js';
import type { Field, YamlReader } from './yaml-reader.js';
import { readYaml } from './yaml-reader.js';

const TOP_KEYS = ['name', 'description', 'target', 'traffic', 'thresholds', 'steps', 'cooldown'];
const LOCAL_KEYS = [
  'runtime',
  'app',
  'entrypoint',
  'command',
  'image',
  'image-new',
  'port',
  'replicas',
  'grace-period',
  'prestop-sleep',
  'prestop-cmd',
  'max-surge',
  'max-unavailable',
  'min-ready',
  'endpoint-delay',
  'readiness-path',
  'readiness-period',
  'env',
  'start-timeout',
];
const KUBE_KEYS = ['deployment', 'url', 'service', 'namespace', 'context', 'kubeconfig', 'inspect-pid1'];
const TRAFFIC_KEYS = [
  'rate',
  'connections',
  'fresh',
  'headers',
  'warmup',
  'timeout',
  'method',
  'pod-header',
  'workers',
  'keepalive',
  'mix',
  'body',
  'body-file',
  'max-in-flight',
  'ca-cert',
  'insecure',
  'resolve',
  'client',
  'protocol',
  'grpc-method',
  'grpc-data',
  'proto',
  'grpc-metadata',
];
const THRESHOLD_KEYS = ['max-errors', 'max-error-rate', 'max-p99', 'max-outage'];

/** parseScenario validates a scenario file's text; every mistake is one UsageError naming the line and the field. */
export function parseScenario(file: string, text: string, cwd: string): Scenario {
  const r = readYaml(file, text);
  const top = r.map(r.root, TOP_KEYS);
  const targetField =
    top.get('target') ??
    r.fail(
      r.root,
      'the "target" section is missing; add "target: {local: {app: demo}}" or a kube target',
    );
  const target = parseTarget(r, targetField);
  const stepsField =
    top.get('steps') ??
    r.fail(
      r.root,
      'the "steps" list is missing; add e.g. "steps: [{wait: 10s}, {rollout: restart}]"',
    );
  const traffic = top.get('traffic');
  const thresholds = top.get('thresholds');
  const name = top.get('name');
  const description = top.get('description');
  const cooldown = top.get('cooldown');
  const steps = parseSteps(r, stepsField, target);
  const cooldownMs = cooldown ? r.durationMs(cooldown) : 5_000;
  const settings = parseTraffic(r, traffic, cwd);
  // The steps decide how long traffic runs; durationMs records the planned minimum for the results' params.
  settings.durationMs = Math.max(1, plannedMs(steps) + cooldownMs);
  return {
    file,
    name: name ? r.str(name) : file.replace(/^.*\//, '').replace(/\.ya?ml$/, ''),
    ...(description ? { description: r.str(description) } : {}),
    target,
    traffic: settings,
    thresholds: parseThresholds(r, thresholds),
    steps,
    cooldownMs,
  };
}

/** plannedMs is the least time the steps take after the warm-up: waits and "at" times (rollouts add more). */
export function plannedMs(steps: readonly ScenarioStep[]): number {
  let atMs = 0;
  for (const step of steps) {
    if (step.atMs !== undefined) atMs = Math.max(atMs, step.atMs);
    if (step.action.kind === 'wait') atMs += step.action.ms;
  }
  return atMs;
}

function parseTarget(r: YamlReader, f: Field): ScenarioTarget {
  const m = r.map(f, ['local', 'kube']);
  const local = m.get('local');
  const kube = m.get('kube');
  if ((local ? 1 : 0) + (kube ? 1 : 0) !== 1) r.fail(f, 'give exactly one of "local" or "kube"');
  if (kube) {
    const k = r.map(kube, KUBE_KEYS);
    const get = (key: string): string | undefined =>
      k.has(key) ? r.str(k.get(key) as Field) : undefined;
    const deployment =
      get('deployment') ?? r.fail(kube, '"deployment" is missing (the Deployment to roll)');
    const urlField =
      k.get('url') ??
      r.fail(
        kube,
        '"url" is missing (where traffic goes: Ingress, LoadBalancer or NodePort address)',
      );
    const url = guard(r, urlField, () => parseUrl(r.str(urlField), 'url').toString());
    const opt = (key: string): Record<string, string> =>
      get(key) !== undefined ? { [key]: get(key) as string } : {};
    return {
      kind: 'kube',
      deployment,
      url,
      ...opt('service'),
      ...opt('namespace'),
      ...opt('context'),
      ...opt('kubeconfig'),
      ...(k.has('inspect-pid1') && r.bool(k.get('inspect-pid1') as Field) ? { inspectPid1: true } : {}),
    };
  }
  return { kind: 'local', settings: parseLocal(r, local as Field) };
}

function parseLocal(r: YamlReader, f: Field): LocalRuntimeSettings {
  const m = r.isMap(f) ? r.map(f, LOCAL_KEYS) : new Map<string, Field>();
  const s: LocalRuntimeSettings = { ...DEFAULT_LOCAL_SETTINGS, env: {} };
  const str = (key: string): string | undefined =>
    m.has(key) ? r.str(m.get(key) as Field) : undefined;
  const ms = (key: string): number | undefined =>
    m.has(key) ? r.durationMs(m.get(key) as Field) : undefined;
  const runtime = str('runtime') ?? 'process';
  if (runtime !== 'process' && runtime !== 'podman' && runtime !== 'docker') {
    r.fail(
      m.get('runtime') as Field,
      `"${runtime}" is not a runtime; use process, podman or docker`,
    );
  }
  s.runtime = runtime;
  const command = str('command');
  const entrypoint = str('entrypoint') ?? 'exec';
  if (entrypoint !== 'shell' && entrypoint !== 'exec' && entrypoint !== 'tini') {
    r.fail(m.get('entrypoint') as Field, `"${entrypoint}" is not shell, exec or tini`);
  }
  const app = str('app') ?? 'demo';
  if (app !== 'demo')
    r.fail(
      m.get('app') as Field,
      `"${app}" is not an app rollcheck has; use "app: demo" or "command: …"`,
    );
  s.app = command ? { kind: 'cmd', command } : { kind: 'demo', entrypoint };
  if (runtime !== 'process') {
    const image =
      str('image') ??
      r.fail(f, `"image" is missing: runtime ${runtime} runs each pod from an image`);
    const port = m.has('port') ? r.int(m.get('port') as Field, 1) : 8080;
    const imageNew = str('image-new');
    s.container = { image, port, ...(imageNew ? { imageNew } : {}) };
  } else {
    for (const key of ['image', 'image-new', 'port']) {
      if (m.has(key))
        r.fail(
          m.get(key) as Field,
          `only container runtimes use it; add "runtime: podman" or remove it`,
        );
    }
  }
  if (m.has('replicas')) s.replicas = r.int(m.get('replicas') as Field, 1);
  s.graceMs = ms('grace-period') ?? s.graceMs;
  const sleep = ms('prestop-sleep');
  const cmd = str('prestop-cmd');
  if (sleep !== undefined && cmd !== undefined)
    r.fail(f, 'give either prestop-sleep or prestop-cmd, not both');
  s.preStop =
    sleep !== undefined
      ? { kind: 'sleep', ms: sleep }
      : cmd
        ? { kind: 'exec', command: cmd }
        : { kind: 'none' };
  for (const [key, prop] of [
    ['max-surge', 'maxSurge'],
    ['max-unavailable', 'maxUnavailable'],
  ] as const) {
    const field = m.get(key);
    if (field) s[prop] = guard(r, field, () => parseCountOrPercent(r.str(field), key));
  }
  s.minReadyMs = ms('min-ready') ?? s.minReadyMs;
  s.endpointDelayMs = ms('endpoint-delay') ?? s.endpointDelayMs;
  s.startTimeoutMs = ms('start-timeout') ?? s.startTimeoutMs;
  s.readinessPath = str('readiness-path') ?? s.readinessPath;
  s.readinessPeriodMs = ms('readiness-period') ?? s.readinessPeriodMs;
  if (!s.readinessPath.startsWith('/'))
    r.fail(m.get('readiness-path') as Field, 'must start with "/", e.g. /healthz');
  const env = m.get('env');
  if (env) for (const [k, v] of r.map(env, mapKeys(r, env))) s.env[k] = r.str(v);
  return s;
}

function parseTraffic(r: YamlReader, f: Field | undefined, cwd: string): TrafficSettings {
  const opts: Record<string, unknown> = { duration: '1h' };
  if (!f) return readTrafficSettings(opts, cwd);
  const m = r.map(f, TRAFFIC_KEYS);
  const flag: Record<string, string> = {
    'pod-header': 'podHeader',
    fresh: 'freshConnections',
    'body-file': 'bodyFile',
    'max-in-flight': 'maxInFlight',
    'ca-cert': 'caCert',
    'grpc-method': 'grpcMethod',
    'grpc-data': 'grpcData',
  };
  // The protocol first: the gRPC keys are checked against it, wherever it stands in the map.
  const protocol = m.get('protocol');
  if (protocol) opts.protocol = r.str(protocol);
  for (const [key, field] of m) {
    if (key === 'grpc-metadata') {
      const md = r.map(field, mapKeys(r, field));
      opts.grpcMetadata = [...md.entries()].map(([name, v]) => `${name}=${r.str(v)}`);
    } else if (key === 'headers') {
      const h = r.map(field, mapKeys(r, field));
      opts.header = [...h.entries()].map(([name, v]) => `${name}: ${r.str(v)}`);
    } else if (key === 'keepalive' || key === 'insecure') {
      opts[key] = r.bool(field);
    } else if (key === 'client') {
      const client = r.str(field);
      if (client !== 'lean' && client !== 'undici') r.fail(field, `"${client}" is no client; use lean (the default) or undici`);
      opts.client = client;
    } else if (key === 'fresh') {
      opts.freshConnections = guard(r, field, () => String(parsePercent(r.str(field), 'fresh')));
    } else {
      opts[flag[key] ?? key] = r.str(field);
    }
    // Validate field by field so that an error points at its own line.
    guard(r, field, () => readTrafficSettings({ ...opts }, cwd));
  }
  return readTrafficSettings(opts, cwd);
}

function parseThresholds(r: YamlReader, f: Field | undefined): Thresholds {
  if (!f) return readThresholds({});
  const m = r.map(f, THRESHOLD_KEYS);
  const opts: Record<string, unknown> = {};
  const camel: Record<string, string> = {
    'max-errors': 'maxErrors',
    'max-error-rate': 'maxErrorRate',
    'max-p99': 'maxP99',
    'max-outage': 'maxOutage',
  };
  for (const [key, field] of m) {
    opts[camel[key] as string] = r.str(field);
    guard(r, field, () => readThresholds({ ...opts }));
  }
  return readThresholds(opts);
}

function mapKeys(r: YamlReader, f: Field): string[] {
  const node = f.node as { items?: Array<{ key?: { value?: unknown } }> } | null;
  if (!r.isMap(f)) r.map(f, []);
  return (node?.items ?? []).map((p) => String(p.key?.value ?? ''));
}

/** guard turns a flag parser's UsageError into one that names the file, line and field. */
function guard<T>(r: YamlReader, f: Field, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!isUsageError(e)) throw e;
    return r.fail(f, e.message.replace(/^-{0,2}[\w-]+: /, ''));
  }
}
