import { UsageError } from '../../errors.js';
import type { RolloutTrigger } from '../driver.js';

/** DrainTrigger is `--trigger drain=NODE`: the run drains a node instead of rolling the workload. */
export interface DrainTrigger {
  kind: 'drain';
  node: string;
}

/** KubeTrigger is what `--trigger` on `run` names: a rollout trigger or a node drain. */
export type KubeTrigger = RolloutTrigger | DrainTrigger;

/** parseTrigger reads `--trigger`: restart | image=CONTAINER=IMAGE | image=IMAGE | cmd=COMMAND | drain=NODE | none. */
export function parseTrigger(text: string): KubeTrigger {
  const t = text.trim();
  if (t.startsWith('drain=')) {
    const node = t.slice(6).trim();
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(node)) throw new UsageError(`--trigger drain= needs a node name, e.g. --trigger drain=node-1 (kubectl get nodes lists them)${node ? `; "${node}" is not one` : ''}`);
    return { kind: 'drain', node };
  }
  if (t === 'restart') return { kind: 'restart' };
  if (t === 'none') return { kind: 'none' };
  if (t.startsWith('cmd=')) {
    const command = t.slice(4).trim();
    if (!command) throw new UsageError('--trigger cmd= needs a command, e.g. --trigger "cmd=helm upgrade web ./chart"');
    return { kind: 'cmd', command };
  }
  if (t.startsWith('image=')) {
    const rest = t.slice(6);
    // An image reference may hold ':' and '/', never '=': the first '=' splits CONTAINER from IMAGE.
    const eq = rest.indexOf('=');
    const container = eq >= 0 ? rest.slice(0, eq) : undefined;
    const image = eq >= 0 ? rest.slice(eq + 1) : rest;
    if (!image || container === '') throw new UsageError('--trigger image= needs CONTAINER=IMAGE, e.g. --trigger image=app=registry/web:1.2');
    return container ? { kind: 'image', container, image } : { kind: 'image', image };
  }
  throw new UsageError(`--trigger "${text}" is not one of restart, image=CONTAINER=IMAGE, cmd=COMMAND, drain=NODE, none`);
}
