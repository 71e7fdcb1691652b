// Types of scripts/test-lanes.mjs for the TypeScript that imports it (its test).

/** Lane is where a test file runs: its `// test-lane:` marker, or 'quick' without one. */
export type Lane = 'alone' | 'serial' | 'heavy' | 'slow' | 'quick';
/** Plan is the order of a run: the serial lane, the pool and each file's lane. */
export interface Plan {
  serial: string[];
  pool: string[];
  lanes: Map<string, Lane>;
}
export declare const LANES: readonly string[];
export declare const COMPANIONS: number;
export declare const DURATIONS_FILE: URL;
export declare function collectTestFiles(path: string, out?: string[]): string[];
export declare function laneOf(file: string): Lane;
export declare function readDurations(): Record<string, number>;
export declare function writeDurations(root: string, measured: Map<string, number>): void;
export declare function planRun(root: string, files: string[], durations: Record<string, number>): Plan;
export declare function nextToStart(lanes: Map<string, Lane>, queues: { serial: string[]; pool: string[] }, running: Lane[], jobs: number): string | undefined;
