// An Argo Rollout as the API server shows it (argoproj.io/v1alpha1), built from
// the same pod template as the sandbox's Deployment and checked against Argo's
// CRD schema with @kubernetes-models/argo-rollouts before it is stored.
import { Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import type { ProgressiveStrategy } from '../../src/cluster/local/progressive-strategy.js';
import type { KubeObject } from './store.js';

/** RolloutStrategySpec is the strategy part of a Rollout's spec the sandbox serves. */
export type RolloutStrategySpec =
  | { canary: { steps: Array<{ setWeight: number } | { pause: { duration?: string } }> } }
  | { blueGreen: { activeService: string; scaleDownDelaySeconds?: number; autoPromotionEnabled?: boolean } };

/** rolloutObject makes Rollout `name` with `replicas` of `template` and the strategy, validated against the CRD schema (throws when it does not conform). */
export function rolloutObject(o: { name: string; namespace: string; replicas: number; template: Record<string, unknown>; strategy: RolloutStrategySpec }): KubeObject {
  const labels = { app: o.name };
  const rollout = new Rollout({
    metadata: { name: o.name, namespace: o.namespace, labels, generation: 1, creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    spec: { replicas: o.replicas, selector: { matchLabels: labels }, template: o.template, strategy: o.strategy },
    status: { phase: 'Healthy', observedGeneration: '1', currentStepIndex: 0, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0 },
  });
  rollout.validate();
  return rollout.toJSON() as unknown as KubeObject;
}

/** rolloutStrategySpec is the Rollout spec.strategy of the embedded runtime's strategy (blue-green's activeService is the Service `service`). */
export function rolloutStrategySpec(s: ProgressiveStrategy, service: string): RolloutStrategySpec {
  if (s.kind === 'blue-green') {
    const auto = s.autoPromotionEnabled === false ? { autoPromotionEnabled: false } : {};
    return { blueGreen: { activeService: service, scaleDownDelaySeconds: Math.round(s.scaleDownDelayMs / 1000), ...auto } };
  }
  return { canary: { steps: s.steps.map((step) => (step.kind === 'weight' ? { setWeight: step.percent } : { pause: step.ms === null ? {} : { duration: `${step.ms / 1000}s` } })) } };
}
