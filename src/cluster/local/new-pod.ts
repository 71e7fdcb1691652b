import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { LocalPod } from './local-pod.js';

/** NewPodSpec names a pod about to be created: its name, revision, creation order, address and log folder. */
export interface NewPodSpec {
  name: string;
  revision: string;
  seq: number;
  /** node is the fake node the scheduler placed it on. */
  node: string;
  hostIp: string;
  logDir: string;
  /** logName is the log file's name without `.log` (default: the pod's name; a reused name needs its own). */
  logName?: string;
}

/** newLocalPod is a pod's record before it starts, with a UID of its own: not ready, not terminating, no exit. */
export function newLocalPod(spec: NewPodSpec): LocalPod {
  return {
    name: spec.name,
    revision: spec.revision,
    seq: spec.seq,
    uid: randomUUID(),
    node: spec.node,
    hostIp: spec.hostIp,
    logPath: join(spec.logDir, `${spec.logName ?? spec.name}.log`),
    ready: false,
    available: false,
    everReady: false,
    terminating: false,
    sigtermAtMs: null,
    exit: null,
    done: Promise.resolve(),
  };
}
