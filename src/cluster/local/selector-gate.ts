import type { EndpointPropagator } from './endpoints.js';
import type { ServiceEndpoint } from './service-proxy.js';

/** SelectorGate is the active Service's selector on `rollouts-pod-template-hash`: only ready pods of the selected revision are its endpoints. */
export interface SelectorGate extends EndpointPropagator {
  /**
   * select points the selector at `revision` (null: every revision, as a
   * Service without the hash in its selector). Ready pods of that revision are
   * added and every other pod is dropped from the endpoints at once; the
   * proxies apply it after their delays, as kube-proxy and an ingress would.
   */
  select(revision: string | null): void;
  readonly selected: string | null;
}

/**
 * createSelectorGate puts a selector in front of the endpoint propagator: a
 * blue-green Rollout's active Service, whose selector Argo Rollouts switches
 * from the stable to the new ReplicaSet's pod-template hash (argo-rollouts
 * rollout/service.go via rollout/bluegreen.go). `revisionOf` names a pod's
 * revision (its ReplicaSet's hash).
 */
export function createSelectorGate(inner: EndpointPropagator, revisionOf: (pod: string) => string | undefined): SelectorGate {
  const ready = new Map<string, ServiceEndpoint>();
  let selected: string | null = null;
  const matches = (pod: string): boolean => selected === null || revisionOf(pod) === selected;
  return {
    ready(ep) {
      ready.set(ep.pod, ep);
      if (matches(ep.pod)) inner.ready(ep);
    },
    notReady(pod, terminating) {
      ready.delete(pod);
      inner.notReady(pod, terminating);
    },
    inService: (pod) => inner.inService(pod),
    settled: () => inner.settled(),
    cancel: () => inner.cancel(),
    select(revision) {
      selected = revision;
      for (const [pod, ep] of ready) {
        if (matches(pod)) inner.ready(ep);
        else inner.notReady(pod, false);
      }
    },
    get selected() {
      return selected;
    },
  };
}
