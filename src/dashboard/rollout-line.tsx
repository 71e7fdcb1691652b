import { Text } from 'ink';
import type { RolloutState } from './model/rollout-state.js';
import { bar } from './model/format.js';
import { Paint } from './paint.js';

/** RolloutLine shows the newest rollout's progress as `kubectl rollout status` counts it. */
export function RolloutLine({ rollout }: { rollout: RolloutState }) {
  const label = <Paint tone="dim">{'rollout   '}</Paint>;
  if (rollout.status === 'none') {
    return (
      <Text wrap="truncate-end">
        {label}
        <Paint tone="dim">not started</Paint>
      </Text>
    );
  }
  const c = rollout.counts;
  const status = rollout.status === 'failed' ? `FAILED: ${rollout.reason ?? ''}` : rollout.status;
  const tone =
    rollout.status === 'failed' ? 'bad' : rollout.status === 'complete' ? 'good' : 'accent';
  return (
    <Text wrap="truncate-end">
      {label}
      <Paint tone={tone}>{status}</Paint>
      {rollout.revision !== undefined ? ` → ${rollout.revision}` : ''}
      {rollout.step ? `  ${rollout.step.strategy} step ${rollout.step.index} ${rollout.step.label}, weight ${Math.round(rollout.step.weight)}%` : ''}
      {c
        ? `  ${bar(c.updated, c.replicas, 10)} updated ${c.updated}/${c.replicas} ready ${c.ready} available ${c.available}`
        : ''}
    </Text>
  );
}
