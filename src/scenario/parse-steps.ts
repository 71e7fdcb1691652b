import type { KillPodRequest, RolloutTrigger } from '../cluster/driver.js';
import { driverEntry } from '../cluster/registry.js';
import { formatMs } from '../format-ms.js';
import type { ScenarioStep, ScenarioTarget, StepAction } from './types.js';
import type { Field, YamlReader } from './yaml-reader.js';

/** STEP_KINDS are the actions a step may name. */
export const STEP_KINDS = ['wait', 'rollout', 'kill-pod', 'scale', 'cmd', 'drain-node'] as const;

const STEP_KEYS = [...STEP_KINDS, 'name', 'at'];
const DEFAULT_ROLLOUT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_CMD_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_DRAIN_TIMEOUT_MS = 5 * 60_000;
// A node's name is a DNS subdomain (RFC 1123).
const NODE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** parseSteps reads `steps:`: a list where each item names exactly one action (plus optional `name`, `at`). */
export function parseSteps(r: YamlReader, field: Field, target: ScenarioTarget): ScenarioStep[] {
  const items = r.list(field);
  if (items.length === 0)
    r.fail(field, 'the list is empty; add at least one step, e.g. "- rollout: restart"');
  let lastAtMs = -1;
  return items.map((item, index) => {
    const keys = r.map(item, STEP_KEYS);
    const actions = [...keys.keys()].filter((k) => (STEP_KINDS as readonly string[]).includes(k));
    if (actions.length !== 1) {
      r.fail(
        item,
        actions.length === 0
          ? `a step needs one action: ${STEP_KINDS.join(', ')}`
          : `a step does one thing, this one has ${actions.join(' and ')}; split it into two steps`,
      );
    }
    const kind = actions[0] as (typeof STEP_KINDS)[number];
    const actionField = keys.get(kind) as Field;
    const action = parseAction(r, kind, actionField, target);
    const atField = keys.get('at');
    const atMs = atField ? r.durationMs(atField) : undefined;
    if (atField && atMs !== undefined) {
      if (atMs < lastAtMs)
        r.fail(atField, 'steps run in order: this "at" is earlier than a previous step\'s');
      lastAtMs = atMs;
    }
    const nameField = keys.get('name');
    const label = nameField ? r.str(nameField) : describeAction(action);
    return { index, label, action, line: item.line, ...(atMs !== undefined ? { atMs } : {}) };
  });
}

function parseAction(
  r: YamlReader,
  kind: (typeof STEP_KINDS)[number],
  f: Field,
  target: ScenarioTarget,
): StepAction {
  switch (kind) {
    case 'wait':
      return { kind, ms: r.durationMs(f) };
    case 'rollout':
      return parseRollout(r, f, target);
    case 'kill-pod':
      return { kind, request: parseKill(r, f) };
    case 'scale': {
      const replicas = r.isMap(f)
        ? r.int(r.map(f, ['replicas']).get('replicas') ?? missing(r, f, 'replicas'), 0)
        : r.int(f, 0);
      return { kind, replicas };
    }
    case 'drain-node':
      return parseDrain(r, f);
    case 'cmd': {
      if (!r.isMap(f)) return { kind, command: nonEmpty(r, f), timeoutMs: DEFAULT_CMD_TIMEOUT_MS };
      const m = r.map(f, ['run', 'timeout']);
      const timeout = m.get('timeout');
      return {
        kind,
        command: nonEmpty(r, m.get('run') ?? missing(r, f, 'run')),
        timeoutMs: timeout ? r.durationMs(timeout) : DEFAULT_CMD_TIMEOUT_MS,
      };
    }
  }
}

function parseRollout(r: YamlReader, f: Field, target: ScenarioTarget): StepAction {
  let trigger: RolloutTrigger;
  let wait = true;
  let timeoutMs = DEFAULT_ROLLOUT_TIMEOUT_MS;
  if (!r.isMap(f)) {
    const how = r.str(f);
    if (how !== 'restart')
      r.fail(f, `"${how}" is not a rollout; write "rollout: restart" or "rollout: {image: IMAGE}"`);
    trigger = { kind: 'restart' };
  } else {
    const m = r.map(f, ['restart', 'image', 'container', 'cmd', 'wait', 'timeout']);
    const image = m.get('image');
    const cmd = m.get('cmd');
    if (image && cmd) r.fail(f, 'give either image or cmd, not both');
    if (image) {
      const container = m.get('container');
      trigger = {
        kind: 'image',
        image: nonEmpty(r, image),
        ...(container ? { container: r.str(container) } : {}),
      };
      refuse(r, image, target, trigger);
    } else if (cmd) {
      trigger = { kind: 'cmd', command: nonEmpty(r, cmd) };
      refuse(r, cmd, target, trigger);
    } else {
      trigger = { kind: 'restart' };
    }
    const w = m.get('wait');
    if (w) wait = r.bool(w);
    const t = m.get('timeout');
    if (t) timeoutMs = r.durationMs(t);
  }
  return { kind: 'rollout', trigger, wait, timeoutMs };
}

// refuse fails at `f` when the target's driver cannot roll with `trigger`.
function refuse(r: YamlReader, f: Field, target: ScenarioTarget, trigger: RolloutTrigger): void {
  const why = driverEntry(target.driver).refuseTrigger(target.settings, trigger);
  if (why !== undefined) r.fail(f, why);
}

// parseDrain reads `drain-node: NODE` or `drain-node: {node: NODE, timeout: 2m, retry: 5s}`.
function parseDrain(r: YamlReader, f: Field): StepAction {
  const m = r.isMap(f) ? r.map(f, ['node', 'timeout', 'retry']) : undefined;
  const nodeField = m ? (m.get('node') ?? missing(r, f, 'node')) : f;
  const node = nonEmpty(r, nodeField);
  if (!NODE_NAME.test(node)) r.fail(nodeField, `"${node}" is not a node name; write the node as kubectl get nodes shows it, e.g. "drain-node: node-1"`);
  const timeout = m?.get('timeout');
  const retry = m?.get('retry');
  const retryMs = retry ? r.durationMs(retry) : undefined;
  if (retry && retryMs === 0) r.fail(retry, 'must be longer than 0; kubectl drain waits 5s between tries');
  return { kind: 'drain-node', node, timeoutMs: timeout ? r.durationMs(timeout) : DEFAULT_DRAIN_TIMEOUT_MS, ...(retryMs ? { retryMs } : {}) };
}

const WHICH = ['random', 'oldest', 'newest'] as const;

function parseKill(r: YamlReader, f: Field): KillPodRequest {
  if (!r.isMap(f)) return { which: whichOf(r, f) };
  const m = r.map(f, ['which', 'name', 'signal', 'grace']);
  const which = m.get('which');
  const name = m.get('name');
  if (which && name) r.fail(f, 'give either which or name, not both');
  const request: KillPodRequest = {
    which: name ? { name: nonEmpty(r, name) } : which ? whichOf(r, which) : 'random',
  };
  const signal = m.get('signal');
  if (signal) {
    const s = r
      .str(signal)
      .toUpperCase()
      .replace(/^(?!SIG)/, 'SIG');
    if (s !== 'SIGTERM' && s !== 'SIGKILL')
      r.fail(
        signal,
        `"${r.str(signal)}" is not SIGTERM or SIGKILL (what deleting or crashing a pod sends)`,
      );
    request.signal = s;
  }
  const grace = m.get('grace');
  if (grace) request.graceMs = r.durationMs(grace);
  return request;
}

function whichOf(r: YamlReader, f: Field): KillPodRequest['which'] {
  const v = r.str(f);
  if ((WHICH as readonly string[]).includes(v)) return v as (typeof WHICH)[number];
  return r.fail(
    f,
    `"${v}" is not one of ${WHICH.join(', ')}; to kill one pod by name write "kill-pod: {name: POD}"`,
  );
}

function nonEmpty(r: YamlReader, f: Field): string {
  const v = r.str(f).trim();
  if (!v) r.fail(f, 'is empty');
  return v;
}

function missing(r: YamlReader, f: Field, key: string): never {
  return r.fail(f, `"${key}" is missing`);
}

/** describeAction is a step's default label, as the plan and the events show it. */
export function describeAction(a: StepAction): string {
  switch (a.kind) {
    case 'wait':
      return `wait ${formatMs(a.ms)}`;
    case 'rollout': {
      const t = a.trigger;
      const how =
        t.kind === 'image'
          ? `image ${t.container ? `${t.container}=` : ''}${t.image}`
          : t.kind === 'cmd'
            ? `cmd "${t.command}"`
            : t.kind;
      return `rollout ${how}${a.wait ? '' : ' (no wait)'}`;
    }
    case 'kill-pod': {
      const q = a.request;
      const which = typeof q.which === 'object' ? q.which.name : q.which;
      const extra = [q.signal, q.graceMs !== undefined ? `grace ${formatMs(q.graceMs)}` : '']
        .filter(Boolean)
        .join(', ');
      return `kill-pod ${which}${extra ? ` (${extra})` : ''}`;
    }
    case 'scale':
      return `scale to ${a.replicas}`;
    case 'drain-node':
      return `drain-node ${a.node}`;
    case 'cmd':
      return `cmd "${a.command.length > 40 ? `${a.command.slice(0, 37)}...` : a.command}"`;
  }
}

// formatMs writes a duration the way a scenario file would ("10s", "1.5s", "250ms", "2m").
export { formatMs };
