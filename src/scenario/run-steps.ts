import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { UsageError, isUsageError } from '../errors.js';
import type { SessionControl } from '../run/session.js';
import { rolloutStep } from '../run/rollout-plan.js';
import { drainStep } from '../run/drain-plan.js';
import type { ClusterDriver } from '../cluster/driver.js';
import { hasPodKiller, hasScaler } from '../cluster/driver.js';
import type { Scenario, ScenarioStep } from './types.js';

/** ScenarioPlanOptions: where `cmd` steps run and log. */
export interface ScenarioPlanOptions {
  env: Record<string, string | undefined>;
  /** cwd is where `cmd` steps run (the scenario file's folder). */
  cwd: string;
  /** logPrefix starts each `cmd` step's log path: `<logPrefix>step-<n>.log`. */
  logPrefix: string;
}

interface StepOutcome {
  ok: boolean;
  error?: string;
  interrupted?: boolean;
}

/**
 * createScenarioPlan is the session plan of a scenario: its steps in order on
 * the run clock, each framed by step-started/step-finished events, then the
 * cooldown. A step that fails (rollout failed, command exited non-zero) fails
 * its own verdict and the run goes on; a step that cannot be done at all (no
 * such pod) ends the run with a UsageError, as any bad input does.
 */
export function createScenarioPlan(
  scenario: Scenario,
  o: ScenarioPlanOptions,
): (control: SessionControl) => Promise<string> {
  return async (control) => {
    for (const step of scenario.steps) {
      if (
        step.atMs !== undefined &&
        !(await control.sleepUntil(control.recordingFromMs + step.atMs))
      )
        return 'interrupted';
      if (step.action.kind !== 'wait')
        control.setPhase(step.action.kind === 'rollout' ? 'rollout' : 'scenario');
      control.emit({
        kind: 'step-started',
        index: step.index,
        step: step.label,
        atMs: control.clock.nowMs(),
      });
      let outcome: StepOutcome;
      try {
        outcome = await runStep(step, control, o);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        control.emit({
          kind: 'step-finished',
          index: step.index,
          step: step.label,
          ok: false,
          error,
          atMs: control.clock.nowMs(),
        });
        if (isUsageError(e))
          throw new UsageError(
            `step ${step.index + 1} (${step.label}, ${scenario.file}:${step.line}): ${e.message}`,
            e.exitCode,
          );
        throw e;
      }
      control.emit({
        kind: 'step-finished',
        index: step.index,
        step: step.label,
        ok: outcome.ok,
        ...(outcome.error ? { error: outcome.error } : {}),
        atMs: control.clock.nowMs(),
      });
      if (!outcome.ok && !outcome.interrupted)
        control.note(
          `step ${step.index + 1} (${step.label}) failed: ${outcome.error ?? 'unknown'}`,
        );
      if (outcome.interrupted || control.signal.aborted) return 'interrupted';
      if (step.action.kind === 'rollout' && step !== scenario.steps.at(-1))
        control.setPhase('scenario');
    }
    control.setPhase('cooldown');
    if (!(await control.sleep(scenario.cooldownMs))) return 'interrupted';
    return 'completed';
  };
}

async function runStep(
  step: ScenarioStep,
  control: SessionControl,
  o: ScenarioPlanOptions,
): Promise<StepOutcome> {
  const a = step.action;
  const driver = control.driver as ClusterDriver;
  switch (a.kind) {
    case 'wait':
      return (await control.sleep(a.ms))
        ? { ok: true }
        : { ok: false, error: 'interrupted', interrupted: true };
    case 'rollout': {
      const outcome = await rolloutStep(control, a.trigger, a.timeoutMs, a.wait);
      if (outcome.status === 'interrupted')
        return { ok: false, error: 'interrupted during the rollout', interrupted: true };
      if (outcome.status === 'failed') return { ok: false, error: outcome.reason };
      return { ok: true };
    }
    case 'kill-pod': {
      if (!hasPodKiller(driver))
        throw new UsageError('this target cannot kill pods; remove the kill-pod step');
      const pod = await driver.killPod(a.request);
      control.note(`step ${step.index + 1}: killed pod ${pod}`);
      return { ok: true };
    }
    case 'scale': {
      if (!hasScaler(driver))
        throw new UsageError('this target cannot scale; remove the scale step');
      await driver.scale(a.replicas);
      return { ok: true };
    }
    case 'drain-node': {
      const outcome = await drainStep(control, { node: a.node, timeoutMs: a.timeoutMs, ...(a.retryMs ? { retryMs: a.retryMs } : {}) });
      if (outcome.status === 'interrupted') return { ok: false, error: 'interrupted during the drain', interrupted: true };
      return outcome.status === 'failed' ? { ok: false, error: outcome.reason } : { ok: true };
    }
    case 'cmd':
      return runCommand(
        a.command,
        a.timeoutMs,
        control.signal,
        o,
        `${o.logPrefix}step-${step.index + 1}.log`,
      );
  }
}

/** runCommand runs a `cmd` step with `sh -c`, its output appended to `logPath`; non-zero exit fails the step. */
function runCommand(
  command: string,
  timeoutMs: number,
  signal: AbortSignal,
  o: ScenarioPlanOptions,
  logPath: string,
): Promise<StepOutcome> {
  return new Promise((resolve) => {
    const fd = openSync(logPath, 'a');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.env)) if (v !== undefined) env[k] = v;
    // Its own process group, so that a timeout or Ctrl-C stops the whole pipeline, not only sh.
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: o.cwd,
      env,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    let why: 'timeout' | 'interrupted' | undefined;
    const kill = (reason: 'timeout' | 'interrupted'): void => {
      why ??= reason;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => kill('timeout'), timeoutMs);
    const onAbort = (): void => kill('interrupted');
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = (outcome: StepOutcome): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    child.on('error', (e) => finish({ ok: false, error: `cannot run /bin/sh: ${e.message}` }));
    child.on('exit', (code, sig) => {
      if (why === 'interrupted') finish({ ok: false, error: 'interrupted', interrupted: true });
      else if (why === 'timeout')
        finish({ ok: false, error: `timed out after ${timeoutMs / 1000}s (log: ${logPath})` });
      else if (code === 0) finish({ ok: true });
      else finish({ ok: false, error: `exited ${code ?? sig} (log: ${logPath})` });
    });
  });
}
