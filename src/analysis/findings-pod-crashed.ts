// Rule pod-crashed: a pod died on its own, without a SIGTERM: no part of the
// rollout, and no shutdown-race finding is drawn from it.
import type { Finding } from '../results/types.js';
import { group, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, plural } from './format.js';
import { endedPods, lostText, type Ended } from './termination-evidence.js';

/** podCrashed finds the pods that died without being asked to stop (OOMKilled, a crash, a SIGKILL without SIGTERM). */
export const podCrashed: FindingRule = { id: 'pod-crashed', find: (input) => find(input, endedPods(input, 'crashed')) };

function find(input: RuleInput, pods: Ended): Finding | null {
  if (pods.length === 0) return null;
  const g = group(input, 'pod-crashed');
  let oom = 0;
  const evidence = pods.map(({ t }) => {
    const at = formatAt(t.sigkillMs ?? t.exitedMs ?? 0);
    if (t.exitReason === 'OOMKilled') oom += 1;
    const how =
      t.exitReason === 'OOMKilled'
        ? `was OOMKilled at ${at} (exit ${t.exitCode ?? 137})`
        : t.sigkillMs !== null || t.exitSignal === 'SIGKILL'
          ? `was SIGKILLed at ${at} with no SIGTERM before it`
          : `exited at ${at}${t.exitCode !== null ? ` with code ${t.exitCode}` : ''}${t.exitSignal ? ` (${t.exitSignal})` : ''} with no SIGTERM before it`;
    return `${t.pod}: ${how}${lostText(input, 'pod-crashed', t.pod)}`;
  });
  evidence.push('A crash is no part of the rollout: shutdown-race findings (keep-alive resets, preStop) are not drawn from it.');
  return {
    id: 'pod-crashed',
    severity: g.failures.length > 0 ? 'critical' : 'warning',
    title: `${plural(pods.length, 'pod')} died without being asked to stop${oom > 0 ? ` (${oom} OOMKilled)` : ''}`,
    evidence,
    fix: FIXES['pod-crashed'],
    pods: pods.map(({ t }) => t.pod),
    failures: g.failures.length,
    data: { oomKilled: oom },
  };
}
