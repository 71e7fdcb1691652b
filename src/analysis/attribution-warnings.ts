import type { Results } from '../results/types.js';
import type { PodIndex } from './pod-time.js';
import { plural } from './format.js';

/**
 * attributionWarnings says when attribution had to fall back from "the pod
 * that answered on that connection" to time windows: no response ever carried
 * the pod header, or some carried a value that names no pod of the run.
 */
export function attributionWarnings(results: Results, pods: PodIndex): string[] {
  if (pods.timelines.size === 0) return [];
  const header = String(results.meta.params.podHeader ?? 'x-pod-name');
  const out: string[] = [];
  const seen = results.intervals.some((s) => Object.keys(s.okByPod).length > 0) || results.failures.some((f) => f.pod !== undefined);
  if (!seen) {
    out.push(
      `no response named its pod in the \`${header}\` header: failures were attributed by time (which pod was terminating or starting), not by the pod that answered on the connection. ` +
        `Make the app send its pod name (e.g. \`${header}: $POD_NAME\` from the downward API) and pass that header with --pod-header`,
    );
  }
  const unknown = new Map<string, number>();
  for (const f of results.failures) if (f.pod !== undefined && !pods.timelines.has(f.pod)) unknown.set(f.pod, (unknown.get(f.pod) ?? 0) + 1);
  if (unknown.size > 0) {
    const n = [...unknown.values()].reduce((a, b) => a + b, 0);
    const names = [...unknown.keys()].slice(0, 3).map((p) => `\`${p}\``).join(', ');
    out.push(
      `${plural(n, 'failure')} carried a \`${header}\` value that names no pod of the run (${names}${unknown.size > 3 ? ', …' : ''}): attributed by time window instead; make \`${header}\` carry the pod name`,
    );
  }
  return out;
}
