import { UsageError } from '../../errors.js';
import type { RolloutTrigger } from '../driver.js';

/** parseTrigger reads `--trigger`: restart | image=CONTAINER=IMAGE | image=IMAGE | cmd=COMMAND | none. */
export function parseTrigger(text: string): RolloutTrigger {
  const t = text.trim();
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
  throw new UsageError(`--trigger "${text}" is not one of restart, image=CONTAINER=IMAGE, cmd=COMMAND, none`);
}
