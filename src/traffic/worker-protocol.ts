import type { TrafficBatch } from '../results/partial.js';
import type { TrafficSettings } from './settings.js';

/** WorkerInit is a traffic worker's workerData. */
export interface WorkerInit {
  url: string;
  settings: TrafficSettings;
  startEpochMs: number;
  ratePerSec: number;
  offsetMs: number;
  source: number;
}

/** WorkerCommand is what the main thread tells a worker. */
export type WorkerCommand =
  | { type: 'start'; atMs: number; recordFromMs: number }
  | { type: 'end'; atMs: number }
  | { type: 'stop'; drainMs: number };

/** WorkerMessage is what a worker tells the main thread. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'batch'; batch: TrafficBatch }
  | { type: 'stopped'; inFlightAtStop: number; scheduleEndMs: number }
  | { type: 'failed'; message: string };
