// Types of scripts/test-lanes.mjs for the TypeScript that imports it (its test).

/** Lane is where a test file runs: its `// test-lane:` marker, or 'quick' without one. */
export type Lane = 'alone' | 'serial' | 'heavy' | 'slow' | 'quick';
/** Plan is the order of a run: the serial lane, the pool, each file's lane and its CPU share (cores). */
export interface Plan {
  serial: string[];
  pool: string[];
  lanes: Map<string, Lane>;
  /** groups: each file's `// test-group:` (files of one group never run at once); files without one are absent. */
  groups?: Map<string, string>;
  shares: Map<string, number>;
  /** expectedMs: each file's (or batch's) expected wall time, as planRun orders them. */
  expectedMs?: Map<string, number>;
}
/** Recorded is a file's last full run: its wall time and the CPU seconds it used. */
export interface Recorded {
  wallMs: number;
  cpuS?: number;
}
export declare const LANES: readonly string[];
export declare const BEHIND_MARK: string;
export declare const CPU_BUDGET: number;
export declare const COMPANION_CORES: number;
export declare const BATCH_MS: number;
export declare const BATCH_FILES: number;
export declare const DURATIONS_FILE: URL;
export declare function collectTestFiles(path: string, out?: string[]): string[];
export declare function laneOf(file: string): Lane;
export declare function groupOf(file: string): string | undefined;
export declare function readDurations(): Record<string, Recorded>;
export declare function writeDurations(root: string, measured: Map<string, Recorded>): void;
export declare function shareOf(recorded: Recorded | undefined): number;
export declare function planRun(root: string, files: string[], durations: Record<string, Recorded>): Plan;
export declare function nextToStart(plan: Plan, queues: { serial: string[]; pool: string[] }, running: string[], jobs: number, cores: number): string | undefined;
/** SimulatedRun is simulateRun's prediction: the wall time, each file's start and end, the critical path. */
export interface SimulatedRun {
  wallMs: number;
  spans: Map<string, { startMs: number; endMs: number }>;
  criticalPath: string[];
}
export declare function simulateRun(plan: Plan, jobs: number, cores: number, wallMsOf: (file: string) => number): SimulatedRun;
export declare function batchQuick(root: string, plan: Plan, durations: Record<string, Recorded>, batchable: (file: string) => boolean): Map<string, string[]>;
