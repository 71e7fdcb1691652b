import type { KillPodRequest, RolloutTrigger } from '../cluster/driver.js';
import type { Thresholds } from '../results/types.js';
import type { TrafficSettings } from '../traffic/settings.js';

/**
 * ScenarioTarget is what a scenario runs against: a driver of the registry by
 * name (the key under `target:`) and the settings that driver read from the
 * file, which only the driver's registry entry looks into.
 */
export interface ScenarioTarget {
  driver: string;
  settings: unknown;
}

/** StepAction is what one step does. */
export type StepAction =
  | { kind: 'wait'; ms: number }
  | { kind: 'rollout'; trigger: RolloutTrigger; wait: boolean; timeoutMs: number }
  | { kind: 'kill-pod'; request: KillPodRequest }
  | { kind: 'scale'; replicas: number }
  | { kind: 'cmd'; command: string; timeoutMs: number }
  /** drain-node: cordon the node and evict its pods as kubectl drain does; retryMs absent = the target's (kubectl: 5 s). */
  | { kind: 'drain-node'; node: string; timeoutMs: number; retryMs?: number };

/** ScenarioStep is one step on the timeline, with where it was written. */
export interface ScenarioStep {
  /** index is the step's position (0-based) in `steps`. */
  index: number;
  /** label is the short description used in events, the plan and the summary ("kill-pod oldest"). */
  label: string;
  /** atMs, when set, delays the step until this long after recording began. */
  atMs?: number;
  action: StepAction;
  /** line is the YAML line the step starts on, for error messages. */
  line: number;
}

/** Scenario is a validated scenario file. */
export interface Scenario {
  file: string;
  name: string;
  description?: string;
  target: ScenarioTarget;
  traffic: TrafficSettings;
  thresholds: Thresholds;
  steps: ScenarioStep[];
  /** cooldownMs is steady traffic after the last step. */
  cooldownMs: number;
}
