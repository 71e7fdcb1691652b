import type { ClusterTarget } from '../results/types.js';
import type { ClusterDriver, DriverContext, DriverTraits, RolloutTrigger } from './driver.js';
import type { SettingsReader } from './settings-reader.js';

/** DriverEnv is the user's side of a run a driver is built in: environment, working directory and where logs go. */
export interface DriverEnv {
  env: Record<string, string | undefined>;
  cwd: string;
  /** logDir is where the driver writes what it runs (a `cmd=` trigger's output); default: cwd. */
  logDir?: string;
  /** podLogDir is where pod logs go when the driver keeps them (`<out>.pods/`); default: a temp dir of its own. */
  podLogDir?: string;
}

/** PlannedRollout is a rollout a run will make, with where it was asked for ("step 2 (line 5)"), for the checks. */
export interface PlannedRollout {
  trigger: RolloutTrigger;
  where: string;
}

/** DriverFactory is a loaded driver implementation: it builds one run's driver from its settings. */
export interface DriverFactory<S> {
  create(settings: S, ctx: DriverContext, env: DriverEnv): ClusterDriver;
}

/**
 * DriverEntry is one driver as the registry holds it: its name (the scenario
 * target key and the results' meta.cluster.driver), its traits, its settings
 * (defaults, scenario keys, results params), the checks a scenario's --dry-run
 * makes, and its implementation, loaded only when a run needs it. Everything
 * but `load` and `check` must stay light: a scenario file is parsed with it.
 */
export interface DriverEntry<S> {
  readonly name: string;
  readonly traits: DriverTraits;
  /** settingKeys are the keys a scenario target of this driver may have. */
  readonly settingKeys: readonly string[];
  /** defaults is a fresh copy of the settings a target starts from. */
  defaults(): S;
  /** readSettings reads a scenario target's keys; a mistake is a UsageError at its line. */
  readSettings(read: SettingsReader): S;
  /** refuseTrigger says why this target cannot roll with `trigger` (a one-line fix), or undefined when it can. */
  refuseTrigger(settings: S, trigger: RolloutTrigger): string | undefined;
  /** check makes the pre-run checks without starting anything and says what it checked; a problem is a UsageError. */
  check(settings: S, env: DriverEnv, rollouts: readonly PlannedRollout[]): Promise<string[]>;
  /** describe is one line about the target, for plans and headers. */
  describe(settings: S): string;
  /** target is the results' meta.cluster for these settings, but for the driver's name (the registry adds it). */
  target(settings: S): Omit<ClusterTarget, 'driver'>;
  /** params is the settings as results params: never a secret (pod environment values are left out). */
  params(settings: S): Record<string, unknown>;
  /** afterInterrupt says what a run interrupted mid-step left behind and how to look at it, if anything. */
  afterInterrupt?(settings: S): string | undefined;
  /** load brings in the implementation (lazily: a heavy client loads only for a run that uses it). */
  load(): Promise<DriverFactory<S>>;
}
