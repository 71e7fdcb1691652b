import { parsePercent } from '../parse.js';
import { readThresholds } from '../results/thresholds.js';
import type { Thresholds } from '../results/types.js';
import { readTrafficSettings } from '../traffic/settings.js';
import type { TrafficSettings } from '../traffic/settings.js';
import { parseSteps } from './parse-steps.js';
import { parseTarget } from './parse-target.js';
import type { Scenario, ScenarioStep } from './types.js';
import type { Field, YamlReader } from './yaml-reader.js';
import { guard, mapKeys, readYaml } from './yaml-reader.js';

const TOP_KEYS = ['name', 'description', 'target', 'traffic', 'thresholds', 'steps', 'cooldown'];
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
const THRESHOLD_KEYS = ['max-errors', 'max-error-rate', 'max-p99', 'max-outage', 'strict-streams'];

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
      if (client !== 'lean' && client !== 'undici' && client !== 'node') r.fail(field, `"${client}" is no client; use lean (the default), undici (HTTP/1.1) or node (HTTP/2)`);
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
    'strict-streams': 'strictStreams',
  };
  for (const [key, field] of m) {
    opts[camel[key] as string] = r.str(field);
    guard(r, field, () => readThresholds({ ...opts }));
  }
  return readThresholds(opts);
}
