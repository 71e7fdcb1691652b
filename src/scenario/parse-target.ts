import { driverEntry, driverNames, type SettingsReader } from '../cluster/registry.js';
import type { ScenarioTarget } from './types.js';
import type { Field, YamlReader } from './yaml-reader.js';
import { guard, mapKeys } from './yaml-reader.js';

/**
 * parseTarget reads `target: {<driver>: {...}}`: exactly one registered
 * driver's name, whose keys that driver reads through a SettingsReader over
 * the file (so its mistakes name the line and the key like every other).
 */
export function parseTarget(r: YamlReader, f: Field): ScenarioTarget {
  const names = driverNames();
  const m = r.map(f, names);
  if (m.size !== 1) r.fail(f, `give exactly one of ${names.map((n) => `"${n}"`).join(' or ')}`);
  const [name, field] = [...m][0] as [string, Field];
  const entry = driverEntry(name);
  return { driver: entry.name, settings: entry.readSettings(settingsReader(r, field, entry.settingKeys)) };
}

/** settingsReader is a SettingsReader over one target's mapping (nothing written there reads as no keys). */
function settingsReader(r: YamlReader, target: Field, keys: readonly string[]): SettingsReader {
  const m = target.node === null ? new Map<string, Field>() : r.map(target, keys);
  const at = <T>(key: string, read: (f: Field) => T): T | undefined => {
    const f = m.get(key);
    return f ? read(f) : undefined;
  };
  return {
    has: (key) => m.has(key),
    str: (key) => at(key, (f) => r.str(f)),
    int: (key, min = 0) => at(key, (f) => r.int(f, min)),
    durationMs: (key) => at(key, (f) => r.durationMs(f)),
    bool: (key) => at(key, (f) => r.bool(f)),
    map: (key) =>
      at(key, (f) => {
        const entries = r.map(f, mapKeys(r, f));
        return Object.fromEntries([...entries].map(([k, v]) => [k, r.str(v)]));
      }),
    parse: (key, fn) => at(key, (f) => guard(r, f, () => fn(r.str(f)))),
    fail: (key, message) => r.fail((key !== undefined ? m.get(key) : undefined) ?? target, message),
  };
}
