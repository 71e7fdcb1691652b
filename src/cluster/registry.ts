import { UsageError } from '../errors.js';
import type { ClusterDriver, DriverContext } from './driver.js';
import type { DriverEntry, DriverEnv } from './driver-entry.js';
import { kubeEntry } from './kube/kube-entry.js';
import { localEntry } from './local/local-entry.js';

export type { DriverEntry, DriverEnv, DriverFactory, PlannedRollout } from './driver-entry.js';
export type { SettingsReader } from './settings-reader.js';

/** AnyDriverEntry is an entry whose settings the caller treats as opaque (scenario files). */
export type AnyDriverEntry = DriverEntry<unknown>;

// The built-in drivers; each entry is light and loads its implementation only when a run needs it.
const entries = new Map<string, AnyDriverEntry>([
  [localEntry.name, localEntry as AnyDriverEntry],
  [kubeEntry.name, kubeEntry as AnyDriverEntry],
]);

/** registerDriver adds a driver under its name (a test's own, say) and returns the function that removes it again. */
export function registerDriver<S>(entry: DriverEntry<S>): () => void {
  if (entries.has(entry.name)) throw new Error(`registerDriver: a driver named "${entry.name}" is already registered`);
  entries.set(entry.name, entry as AnyDriverEntry);
  return () => void entries.delete(entry.name);
}

/** driverNames lists the registered drivers, built-ins first. */
export function driverNames(): string[] {
  return [...entries.keys()];
}

/** driverEntry finds a driver by name; an unknown one is a UsageError naming those there are. */
export function driverEntry(name: string): AnyDriverEntry {
  const entry = entries.get(name);
  if (!entry) throw new UsageError(`"${name}" is not a cluster driver; use one of ${driverNames().join(', ')}`);
  return entry;
}

/**
 * prepareDriver loads a driver's implementation and returns the factory a
 * session calls with its context. The driver's start() reports what the pods
 * run on with the registry's name for it (the results' meta.cluster).
 */
export async function prepareDriver<S>(name: string, settings: S, env: DriverEnv): Promise<(ctx: DriverContext) => ClusterDriver> {
  const entry = driverEntry(name) as DriverEntry<S>;
  const factory = await entry.load();
  const cluster = { driver: entry.name, ...entry.target(settings) };
  return (ctx) => {
    const driver = factory.create(settings, ctx, env);
    // Replaced on the driver itself, not wrapped: its other abilities (kill, scale, getters) stay as they are.
    const start = driver.start.bind(driver);
    // What the driver learns at start (a node-local Service's entry node) joins what its settings say.
    driver.start = async (signal) => {
      const target = await start(signal);
      return { ...target, cluster: { ...cluster, ...target.cluster, driver: entry.name } };
    };
    return driver;
  };
}
