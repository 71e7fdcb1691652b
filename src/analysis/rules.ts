// The registry of finding rules: every rule, one per finding id (a test holds
// this list to FINDING_IDS). buildFindings (findings.ts) runs them in this
// order, which breaks ties between findings of equal severity and failures:
// the pod-end rules, the direct causes, the run's own troubles, then the
// causes a proxy in front of the pods adds.
import type { FindingRule } from './finding-kit.js';
import { graceTooShort } from './findings-grace-too-short.js';
import { ingressLag } from './findings-ingress-lag.js';
import { ingressReload } from './findings-ingress-reload.js';
import { keepaliveReset } from './findings-keepalive-reset.js';
import { noPdb } from './findings-no-pdb.js';
import { noPrestopDrain } from './findings-no-prestop-drain.js';
import { noReadyEndpoints } from './findings-no-ready-endpoints.js';
import { notReadyTraffic } from './findings-not-ready-traffic.js';
import { podCrashed } from './findings-pod-crashed.js';
import { prestopExceedsGrace } from './findings-prestop-exceeds-grace.js';
import { rolloutFailed } from './findings-rollout-failed.js';
import { sidecarExitedFirst } from './findings-sidecar-exited-first.js';
import { sigtermIgnored } from './findings-sigterm-ignored.js';
import { slowStart } from './findings-slow-start.js';
import { unrelatedErrors } from './findings-unrelated-errors.js';
import { upstreamKeepaliveReset } from './findings-upstream-keepalive-reset.js';
import { watchLost } from './findings-watch-lost.js';
import { stableScaledDownEarly } from './findings-stable-scaled-down-early.js';
import { weightBeforeReady } from './findings-weight-before-ready.js';
import { abortDrops } from './findings-abort-drops.js';
import { noSurgeCapacity } from './findings-no-surge-capacity.js';
import { nodeLocalGap } from './findings-node-local-gap.js';
import { noGracefulStop } from './findings-no-graceful-stop.js';
import { goawayRace } from './findings-goaway-race.js';
import { gracefulStopExceedsGrace } from './findings-graceful-stop-exceeds-grace.js';
import { connectionPinning } from './findings-connection-pinning.js';

/** RULES lists every finding rule, in the order buildFindings runs them. */
export const RULES: readonly FindingRule[] = [
  sigtermIgnored,
  graceTooShort,
  prestopExceedsGrace,
  gracefulStopExceedsGrace,
  podCrashed,
  slowStart,
  noGracefulStop,
  goawayRace,
  noPrestopDrain,
  keepaliveReset,
  sidecarExitedFirst,
  notReadyTraffic,
  unrelatedErrors,
  rolloutFailed,
  watchLost,
  upstreamKeepaliveReset,
  noReadyEndpoints,
  ingressLag,
  ingressReload,
  noPdb,
  stableScaledDownEarly,
  weightBeforeReady,
  abortDrops,
  noSurgeCapacity,
  nodeLocalGap,
  connectionPinning,
];
