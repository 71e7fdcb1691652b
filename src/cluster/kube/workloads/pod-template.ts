import type { ContainerLike } from '../pod-shape.js';
import { describeHandler } from '../pod-shape.js';
import type { WorkloadLike } from './workload-kind.js';

/** TemplateSpec is the part of a pod template the pre-flight reads. */
export interface TemplateSpec {
  terminationGracePeriodSeconds?: number;
  containers?: ContainerLike[];
}

/** templateOf is a workload's pod template spec (every kind has one). */
export function templateOf(w: WorkloadLike): TemplateSpec {
  return (w.spec?.template?.spec ?? {}) as TemplateSpec;
}

/**
 * describeTemplate collects, for any kind, the pod template's facts that decide
 * whether a pod's shutdown can drop requests (grace period, preStop, readiness)
 * and warns about the missing ones.
 */
export function describeTemplate(w: WorkloadLike, appName?: string): { facts: Record<string, string | number | boolean | null>; warnings: string[] } {
  const spec = templateOf(w);
  const main = spec.containers?.find((c) => c.name === appName) ?? spec.containers?.[0];
  const preStop = describeHandler(main?.lifecycle?.preStop);
  const probe = main?.readinessProbe;
  const readiness = describeHandler(probe);
  const warnings: string[] = [];
  if (!preStop) {
    warnings.push(
      `container "${main?.name ?? '?'}" has no preStop hook: the pod may get SIGTERM before every node stops routing to it; add a preStop sleep of a few seconds`,
    );
  }
  if (!readiness) {
    warnings.push(`container "${main?.name ?? '?'}" has no readiness probe: new pods get traffic before the app listens; add one`);
  }
  return {
    facts: {
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
      containers: (spec.containers ?? []).map((c) => c.name).join(', '),
      appContainer: main?.name ?? null,
      preStop: preStop ?? 'none',
      readinessProbe: readiness ? `${readiness}${probe?.periodSeconds ? ` every ${probe.periodSeconds}s` : ''}` : 'none',
    },
    warnings,
  };
}
