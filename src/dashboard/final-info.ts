import type { Results } from '../results/types.js';

/** DashboardFinal is what the last frame shows: the run's results and where they were written. */
export interface DashboardFinal {
  results: Results;
  resultsPath: string;
  reportPath?: string;
}
