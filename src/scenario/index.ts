// scenario/ owns game-day scenario files: parsing and validating the YAML (errors
// name the line and the field), the --dry-run plan and its checks, the session
// plan that runs the steps on the run clock (step-started/step-finished events),
// and the per-step verdicts. It reaches drivers only through cluster/registry.ts
// (a target is a registered driver's name and the settings that driver reads)
// and the ClusterDriver seam; it must not import a driver's folder, traffic
// internals, the dashboard or the report, nor @kubernetes/client-node.
export { parseScenario } from './parse-scenario.js';
export { STEP_KINDS, describeAction, formatMs } from './parse-steps.js';
export { formatPlan, describeTarget } from './plan-text.js';
export { checkScenario, type CheckOptions } from './check-scenario.js';
export { createScenarioDriver, type ScenarioDriverOptions } from './scenario-driver.js';
export { createScenarioPlan, type ScenarioPlanOptions } from './run-steps.js';
export { stepVerdicts } from './step-verdict.js';
export { formatStepVerdicts } from './format-steps.js';
export type { Scenario, ScenarioStep, ScenarioTarget, StepAction } from './types.js';
