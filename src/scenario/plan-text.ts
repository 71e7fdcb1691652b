import { driverEntry } from '../cluster/registry.js';
import type { Thresholds } from '../results/types.js';
import { formatMs } from './parse-steps.js';
import type { Scenario, ScenarioTarget } from './types.js';

/**
 * formatPlan is the `--dry-run` view of a scenario: target, traffic,
 * thresholds, and each step with the earliest time it can start (after the
 * warm-up; a waited-for rollout adds time nobody knows in advance, shown as "≥").
 */
export function formatPlan(s: Scenario): string {
  const lines: string[] = [];
  lines.push(`scenario "${s.name}" (${s.file})`);
  if (s.description) lines.push(`  ${s.description.trim().replace(/\n/g, '\n  ')}`);
  lines.push(`target:     ${describeTarget(s.target)}`);
  const t = s.traffic;
  const fresh = t.freshPercent > 0 ? ` + ${t.freshPercent}% on fresh connections` : '';
  const pool = t.connectionsAuto === true ? `${t.connections} keep-alive connections (more if the rate needs them)` : `${t.connections} keep-alive connections`;
  const headers = t.headers.length > 0 ? `, headers: ${t.headers.map(([k]) => k).join(', ')}` : '';
  lines.push(
    `traffic:    ${t.method} ${t.ratePerSec} req/s, ${pool}${fresh}, warm-up ${formatMs(t.warmupMs)}, timeout ${formatMs(t.timeoutMs)}${headers}`,
  );
  lines.push(`thresholds: ${describeThresholds(s.thresholds)} (each step and the whole run)`);
  lines.push('timeline (from the end of the warm-up):');
  let atMs = 0;
  let open = false;
  for (const step of s.steps) {
    if (step.atMs !== undefined) {
      atMs = Math.max(atMs, step.atMs);
    }
    const when = `${open ? '≥' : ' '}+${formatMs(atMs)}`;
    lines.push(
      `  ${String(step.index + 1).padStart(2)}. ${when.padEnd(9)} ${step.label}${extra(step.action)}   (line ${step.line})`,
    );
    if (step.action.kind === 'wait') atMs += step.action.ms;
    if (step.action.kind === 'rollout' && step.action.wait) open = true;
    if (step.action.kind === 'cmd' || step.action.kind === 'drain-node') open = true;
  }
  lines.push(
    `  then cooldown ${formatMs(s.cooldownMs)}; the run lasts ${open ? 'at least ' : ''}${formatMs(atMs + s.cooldownMs)} after the warm-up`,
  );
  return lines.join('\n');
}

function extra(a: Scenario['steps'][number]['action']): string {
  if (a.kind === 'rollout' && a.wait) return ` (waits for it, at most ${formatMs(a.timeoutMs)})`;
  if (a.kind === 'cmd') return ` (at most ${formatMs(a.timeoutMs)})`;
  if (a.kind === 'drain-node') return ` (cordon, evict, wait for the pods to go; at most ${formatMs(a.timeoutMs)})`;
  return '';
}

/** describeTarget is one line about what the scenario runs against, in its driver's words. */
export function describeTarget(target: ScenarioTarget): string {
  return driverEntry(target.driver).describe(target.settings);
}

function describeThresholds(th: Thresholds): string {
  const parts: string[] = [];
  if (th.maxErrors !== undefined) parts.push(`max-errors ${th.maxErrors}`);
  if (th.maxErrorRate !== undefined)
    parts.push(`max-error-rate ${+(th.maxErrorRate * 100).toPrecision(6)}%`);
  if (th.maxP99Ms !== undefined) parts.push(`max-p99 ${formatMs(th.maxP99Ms)}`);
  if (th.maxOutageMs !== undefined) parts.push(`max-outage ${formatMs(th.maxOutageMs)}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}
