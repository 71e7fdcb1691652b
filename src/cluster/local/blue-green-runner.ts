import { settledAt, type ProgressiveRollout, type StrategyRunner } from './progressive-runner.js';

type Phase = 'start' | 'preview' | 'paused' | 'promoted' | 'switched' | 'scaling-down' | 'aborting';

/**
 * createBlueGreenRunner follows Argo Rollouts' blue-green (argo-rollouts
 * rollout/bluegreen.go): the new ReplicaSet scales up to full size behind the
 * preview only (step 0, `preview`); once all its pods are available and
 * auto-promotion is on, the active Service's selector switches to its pod
 * template hash (step 1, `switch`, rollout/service.go switchServiceSelector);
 * the old ReplicaSet gets a scale-down deadline scaleDownDelaySeconds later
 * (rollout/replicaset.go addScaleDownDelay, scaleDownDelayHelper) and is scaled
 * to zero when it passes (step 2, `scale-down`,
 * scaleDownOldReplicaSetsForBlueGreen). With `autoPromotionEnabled` false the
 * rollout pauses once the preview is available (a `pause` at step 0, the
 * BlueGreenPause condition of reconcileBlueGreenPause) and switches only when
 * promoted (`kubectl argo rollouts promote`). An abort points the active
 * selector back at the stable set and scales the new one down.
 */
export function createBlueGreenRunner(scaleDownDelayMs: number, abortAtStep: number | undefined, autoPromotionEnabled = true): StrategyRunner {
  let phase: Phase = 'start';
  let scaleDownAtMs = 0;
  return {
    advance(r) {
      const base = { strategy: 'blue-green' as const };
      if (phase === 'start') {
        // The preview pods must not join the active Service: pin its selector to the stable set first.
        r.gate.select(r.stable);
        r.setTarget(r.canary, r.replicas);
        r.step({ ...base, index: 0, step: 'preview', action: 'preview', weight: 0 });
        phase = 'preview';
      }
      if (phase === 'preview' && settledAt(r.counts(r.canary), r.replicas)) {
        if (abortAtStep === 1) return abort(r);
        phase = autoPromotionEnabled ? 'promoted' : 'paused';
        if (phase === 'paused') r.step({ ...base, index: 0, step: 'pause (until promoted: autoPromotionEnabled false)', action: 'pause', weight: 0 });
      }
      if (phase === 'promoted') {
        r.gate.select(r.canary);
        r.step({ ...base, index: 1, step: 'switch', action: 'switch', weight: 100 });
        scaleDownAtMs = r.nowMs() + scaleDownDelayMs;
        r.setTarget(r.stable, r.target(r.stable), scaleDownAtMs);
        r.wakeAt(scaleDownAtMs);
        phase = 'switched';
      }
      if (phase === 'switched' && r.nowMs() >= scaleDownAtMs) {
        if (abortAtStep === 2) return abort(r);
        const pods = r.counts(r.stable).names;
        r.step({ ...base, index: 2, step: `scale-down (after ${scaleDownDelayMs / 1000}s)`, action: 'scale-down', weight: 100, pods });
        r.setTarget(r.stable, 0);
        phase = 'scaling-down';
      }
      if (phase === 'scaling-down' && r.counts(r.stable).existing === 0) r.finish('promoted');
      if (phase === 'aborting' && r.counts(r.canary).existing === 0 && settledAt(r.counts(r.stable), r.replicas)) r.finish('aborted');
    },
    promote(r) {
      if (phase !== 'paused') return false;
      r.note('blue-green promoted: the active Service switches to the new set');
      phase = 'promoted';
      return true;
    },
    abort(r) {
      if (phase !== 'preview' && phase !== 'paused' && phase !== 'switched') return false;
      abort(r);
      return true;
    },
  };

  function abort(r: ProgressiveRollout): void {
    r.gate.select(r.stable);
    const index = phase === 'switched' ? 2 : 1;
    r.step({ strategy: 'blue-green', index, step: 'abort', action: 'abort', weight: 0, pods: r.counts(r.canary).names });
    r.setTarget(r.canary, 0);
    phase = 'aborting';
  }
}
