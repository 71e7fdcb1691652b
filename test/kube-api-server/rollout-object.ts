// An Argo Rollout as the API server shows it (argoproj.io/v1alpha1), built from
// the same pod template as the sandbox's Deployment and checked against Argo's
// CRD schema with @kubernetes-models/argo-rollouts before it is stored.
import { Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import type { KubeObject } from './store.js';

/** RolloutStrategySpec is the strategy part of a Rollout's spec the sandbox serves. */
export type RolloutStrategySpec =
  | { canary: { steps: Array<{ setWeight: number } | { pause: { duration?: string } }> } }
  | { blueGreen: { activeService: string; scaleDownDelaySeconds?: number; autoPromotionEnabled?: boolean } };

/** rolloutObject makes Rollout `name` with `replicas` of `template` and the strategy, validated against the CRD schema (throws when it does not conform). */
export function rolloutObject(o: { name: string; namespace: string; replicas: number; template: Record<string, unknown>; strategy: RolloutStrategySpec }): KubeObject {
  const labels = { app: o.name };
  const rollout = new Rollout({
    metadata: { name: o.name, namespace: o.namespace, labels, generation: 1 },
    spec: { replicas: o.replicas, selector: { matchLabels: labels }, template: o.template, strategy: o.strategy },
    status: { phase: 'Healthy', observedGeneration: '1', currentStepIndex: 0, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0 },
  });
  rollout.validate();
  return rollout.toJSON() as unknown as KubeObject;
}
