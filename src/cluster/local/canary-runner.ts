import { planCanaryCounts, weightedCanaryCounts, type CanaryCounts } from './canary-math.js';
import { canaryStepLabel, type CanaryStep } from './progressive-strategy.js';
import { settledAt, type ProgressiveRollout, type StrategyRunner } from './progressive-runner.js';
import type { RolloutLimits } from './rollout-math.js';

/**
 * createCanaryRunner follows Argo Rollouts' canary without a traffic router
 * (argo-rollouts rollout/canary.go): each reconcile scales both sets towards
 * the current step's weight by replica counts (reconcileCanaryReplicaSets with
 * utils/replicaset/canary.go CalculateReplicaCountsForBasicCanary); a setWeight
 * step is complete when both sets are at their counts with every pod available
 * (completedCurrentCanaryStep, AtDesiredReplicaCountsForCanary); a pause step
 * when its duration has passed or it was promoted (rollout/pause.go
 * CompletedCanaryPauseStep: the pause condition removed). An indefinite pause
 * is promoted at once unless `waitForPromotion` (the sandbox, whose API
 * promotes it). After the last step the canary goes to 100 % and becomes the
 * stable set. An abort (at `abortAtStep`, or `abort()`) sets the weight back to
 * 0: the stable set scales up first, then the canary down.
 */
export function createCanaryRunner(steps: readonly CanaryStep[], limits: RolloutLimits, abortAtStep: number | undefined, waitForPromotion = false): StrategyRunner {
  let index = -1;
  let enteredAtMs = 0;
  let aborted = false;
  let promoting = false;
  let promotedIndex = -1;
  const weightAt = (i: number): number => {
    for (let j = Math.min(i, steps.length - 1); j >= 0; j -= 1) {
      const s = steps[j];
      if (s?.kind === 'weight') return s.percent;
    }
    return 0;
  };
  return {
    advance(r) {
      if (index === -1) enter(r, 0);
      for (let guard = 0; guard <= steps.length + 1; guard += 1) {
        const weight = aborted ? 0 : promoting ? 100 : weightAt(index);
        const want = weightedCanaryCounts(r.replicas, weight, limits.surge);
        scaleTowards(r, want);
        if (aborted) {
          if (r.counts(r.canary).existing === 0 && settledAt(r.counts(r.stable), r.replicas)) r.finish('aborted');
          return;
        }
        if (promoting) {
          if (r.counts(r.stable).existing === 0 && settledAt(r.counts(r.canary), r.replicas)) r.finish('promoted');
          return;
        }
        if (!stepComplete(r, want)) return;
        enter(r, index + 1);
      }
    },
    promote(r) {
      if (aborted || promoting || steps[index]?.kind !== 'pause') return false;
      promotedIndex = index;
      r.note(`canary step ${index} (${canaryStepLabel(steps[index] as CanaryStep)}) promoted`);
      return true;
    },
    abort(r) {
      if (aborted || index === -1) return false;
      aborted = true;
      r.step({ strategy: 'canary', index: Math.min(index, steps.length), step: 'abort', action: 'abort', weight: 0, pods: r.counts(r.canary).names });
      return true;
    },
  };

  function enter(r: ProgressiveRollout, next: number): void {
    index = next;
    enteredAtMs = r.nowMs();
    const base = { strategy: 'canary' as const, index };
    if (abortAtStep !== undefined && index === abortAtStep) {
      aborted = true;
      r.step({ ...base, step: 'abort', action: 'abort', weight: 0, pods: r.counts(r.canary).names });
      return;
    }
    const step = steps[index];
    if (step === undefined) {
      promoting = true;
      r.step({ ...base, step: 'full promotion (setWeight 100%)', action: 'promote', weight: 100, pods: r.counts(r.stable).names });
      return;
    }
    r.step({ ...base, step: canaryStepLabel(step), action: step.kind === 'weight' ? 'set-weight' : 'pause', weight: weightAt(index) });
    if (step.kind === 'pause' && step.ms !== null) r.wakeAt(enteredAtMs + step.ms);
    if (step.kind === 'pause' && step.ms === null && !waitForPromotion) r.note(`canary step ${index} (indefinite pause) promoted at once: --promote auto`);
  }

  function stepComplete(r: ProgressiveRollout, want: CanaryCounts): boolean {
    const step = steps[index];
    if (step === undefined) return false;
    if (step.kind === 'pause') return promotedIndex === index || (step.ms === null ? !waitForPromotion : r.nowMs() >= enteredAtMs + step.ms);
    return settledAt(r.counts(r.canary), want.canary) && r.counts(r.stable).pods === want.stable;
  }

  function scaleTowards(r: ProgressiveRollout, want: CanaryCounts): void {
    const c = r.counts(r.canary);
    const s = r.counts(r.stable);
    const next = planCanaryCounts(r.replicas, want, c, s, limits);
    r.setTarget(r.canary, next.canary);
    r.setTarget(r.stable, next.stable);
  }
}
