/** LayoutInput is what decides how the screen's rows are shared. */
export interface LayoutInput {
  rows: number;
  pods: number;
  sparkRows: number;
  showRollout: boolean;
  /** showDrain: a node drain's line sits under the rollout line. */
  showDrain?: boolean;
  /** summaryRows replaces the event log at the end of the run. */
  summaryRows?: number;
}

/** Layout says how many pod rows and log lines fit. */
export interface Layout {
  maxPods: number;
  logLines: number;
}

// header 3, gaps 3, traffic 2, pods title 1, log title 1
const FIXED_ROWS = 10;
const MIN_LOG = 3;
const MAX_LOG = 12;

/**
 * planLayout fits the dashboard into the terminal's height less one row: ink
 * clears the whole screen on every frame that fills it, which flickers.
 */
export function planLayout(input: LayoutInput): Layout {
  const budget = Math.max(12, input.rows - 1);
  const fixed = FIXED_ROWS + input.sparkRows + (input.showRollout ? 1 : 0) + (input.showDrain ? 1 : 0);
  const tail = input.summaryRows ?? MIN_LOG;
  const forPods = Math.max(2, budget - fixed - tail);
  // When pods overflow, one row says how many are hidden.
  const maxPods = input.pods <= forPods ? input.pods : Math.max(1, forPods - 1);
  const podLines = Math.max(1, input.pods <= forPods ? input.pods : maxPods + 1);
  const logLines =
    input.summaryRows !== undefined
      ? 0
      : Math.max(MIN_LOG, Math.min(MAX_LOG, budget - fixed - podLines));
  return { maxPods, logLines };
}
