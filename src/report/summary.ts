import { isPodEvent, type ClusterEvent } from '../results/events.js';
import { failureAtMs } from '../analysis/windows.js';
import { withIncarnations } from '../analysis/incarnations.js';
import { formatAt, formatDuration, KIND_NOUN } from '../analysis/format.js';
import { formatRate } from '../analysis/verdict.js';
import { kindsText } from '../analysis/finding-kit.js';
import type { Analysis, ConnTotals, FailureRecord, LatencySummary, Results } from '../results/types.js';
import { FAILURE_KINDS, OUTCOME_TRAITS } from '../results/types.js';
import { frontDoorLines } from './front-door-lines.js';
import { stepLines } from './step-lines.js';
import { drainLines } from './drain-lines.js';
import { hiddenText } from './hidden-lines.js';
import { generatorText, latencyBasisText, rateText } from './generator-lines.js';
import { createTextStyle, sanitizeForTerminal, wrapText, type TextStyle } from './text-style.js';

/** SummaryOptions say how the summary is printed. */
export interface SummaryOptions {
  color: boolean;
  width: number;
  /** timelineRows caps the per-second failure timeline (default 15). */
  timelineRows?: number;
}

const LABEL = 11;

/**
 * formatSummary is the terminal summary every traffic command prints: rate,
 * outcomes by kind split by connection use, latency, a per-second failure
 * timeline lined up with pod events, outage windows, findings with fixes, and
 * the verdict with its exit code.
 */
export function formatSummary(results: Results, options: SummaryOptions): string {
  const st = createTextStyle(options.color);
  const width = Math.max(60, options.width);
  const t = results.totals;
  const m = results.meta;
  const out: string[] = [];
  const row = (label: string, text: string): void => {
    out.push(...wrapText(clean(text), width, st.bold(label.padEnd(LABEL)), ' '.repeat(LABEL)));
  };
  out.push(st.bold(`rollcheck ${clean(m.command)} → ${clean(m.target)}`) + st.dim(`  (${formatDuration((m.recordedToMs ?? m.durationMs) - (m.recordedFromMs ?? m.warmupMs))} recorded, ${clean(m.stopReason)})`));
  row('rate', `${rateText(results)} · sent ${t.sent} · dropped ${t.dropped}${t.queueExpired ? ` · no free connection ${t.queueExpired}` : ''} · in flight at stop ${t.inFlightAtStop}`);
  const rate = t.ok + t.failed > 0 ? t.failed / (t.ok + t.failed) : 0;
  const failedText = t.failed > 0 ? st.red(`failed ${t.failed}`) : st.green('failed 0');
  out.push(`${st.bold('requests'.padEnd(LABEL))}ok ${t.ok} · ${failedText} (${formatRate(rate)})`);
  out.push(`${' '.repeat(LABEL)}${connLine('new conns', t.byConn.new)}`);
  out.push(`${' '.repeat(LABEL)}${connLine('reused', t.byConn.reused)}`);
  for (const line of frontDoorLines(results)) row('', line);
  const hidden = hiddenText(results);
  if (hidden !== null) row('hidden', `by a standard client: ${hidden}`);
  for (const k of FAILURE_KINDS) {
    const n = t.byKind[k];
    if (!n) continue;
    out.push(`${' '.repeat(LABEL)}  ${st.red(k.padEnd(23))}${String(n).padStart(7)}`);
    out.push(...wrapText(OUTCOME_TRAITS[k].meaning, width, st.dim(`${' '.repeat(LABEL + 4)}`), ' '.repeat(LABEL + 4)).map(st.dim));
  }
  out.push(`${st.bold('latency'.padEnd(LABEL))}${latencyText(t.latency)}  ${st.dim('(from the intended send time)')}`);
  const basis = latencyBasisText(results);
  if (basis !== null) row('', basis);
  const gen = generatorText(results);
  out.push(...wrapText(clean(gen), width, st.bold('generator'.padEnd(LABEL)), ' '.repeat(LABEL)).map((l) => (results.analysis?.verdict.generatorBehind !== undefined ? st.yellow(l) : l)));
  for (const line of drainLines(results)) row('drain', line);
  const timeline = failureTimeline(withIncarnations(results), options.timelineRows ?? 15, st);
  if (timeline.length) {
    out.push(st.bold('timeline') + st.dim('   failures per second, with the pod events of that second'));
    out.push(...timeline);
  }
  const a = results.analysis;
  if (a) out.push(...analysisLines(a, width, st, m.interrupted));
  for (const w of [...m.warnings, ...(a?.warnings ?? [])]) row('warning', w);
  return out.join('\n') + '\n';
}

function connLine(label: string, c: ConnTotals): string {
  const kinds = FAILURE_KINDS.filter((k) => c.byKind[k]).map((k) => `${c.byKind[k]} ${KIND_NOUN[k]}`);
  return `${label.padEnd(10)} ${c.completed} done, ${c.failed} failed${kinds.length ? `: ${kinds.join(', ')}` : ''}`;
}

/** latencyText writes "p50 12.0 ms  p90 …  p99 …  max …". */
export function latencyText(l: LatencySummary): string {
  return `p50 ${ms(l.p50Us)}  p90 ${ms(l.p90Us)}  p99 ${ms(l.p99Us)}  max ${ms(l.maxUs)}`;
}

function ms(us: number): string {
  const v = us / 1000;
  return v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`;
}

function clean(s: string): string {
  return sanitizeForTerminal(s);
}

function failureTimeline(results: Results, maxRows: number, st: TextStyle): string[] {
  const bySecond = new Map<number, FailureRecord[]>();
  for (const f of results.failures) {
    const s = Math.floor(failureAtMs(f) / 1000);
    const list = bySecond.get(s) ?? [];
    list.push(f);
    bySecond.set(s, list);
  }
  if (bySecond.size === 0) return [];
  const podEvents = results.events.filter(isPodEvent);
  let seconds = [...bySecond.keys()].sort((x, y) => x - y);
  const hidden = Math.max(0, seconds.length - maxRows);
  if (hidden > 0) {
    // Keep the worst seconds, shown in time order.
    const worst = new Set([...seconds].sort((x, y) => (bySecond.get(y)?.length ?? 0) - (bySecond.get(x)?.length ?? 0)).slice(0, maxRows));
    seconds = seconds.filter((s) => worst.has(s));
  }
  const peak = [...bySecond.values()].reduce((m, l) => Math.max(m, l.length), 1);
  const lines = seconds.map((s) => {
    const list = bySecond.get(s) ?? [];
    const bar = '█'.repeat(Math.max(1, Math.round((list.length / peak) * 12))).padEnd(12);
    const events = eventsNear(podEvents, s * 1000, (s + 1) * 1000);
    return `${String(s).padStart(6)} s  ${st.red(bar)} ${String(list.length).padStart(5)}  ${kindsText(list).padEnd(26)} ${st.cyan(events)}`;
  });
  if (hidden > 0) lines.push(st.dim(`         … ${hidden} more seconds with failures (see the report)`));
  return lines;
}

function eventsNear(events: ReadonlyArray<Extract<ClusterEvent, { pod: string }>>, fromMs: number, toMs: number): string {
  const inSecond = events.filter((e) => e.atMs >= fromMs && e.atMs < toMs);
  const shown = inSecond.filter((e) => ['sigterm', 'sigkill', 'exited', 'pod-terminating', 'endpoint-removed', 'pod-ready', 'prestop-started'].includes(e.kind));
  const byPod = new Map<string, string[]>();
  for (const e of shown) byPod.set(e.pod, [...(byPod.get(e.pod) ?? []), label(e)]);
  const text = [...byPod].slice(0, 2).map(([pod, labels]) => `${clean(pod)}: ${[...new Set(labels)].join(', ')}`);
  if (byPod.size > 2) text.push(`+${byPod.size - 2} more pods`);
  return text.join(' · ');
}

function label(e: Extract<ClusterEvent, { pod: string }>): string {
  if (e.kind === 'exited') return e.exitCode !== null ? `exit ${e.exitCode}` : `killed by ${e.signal ?? 'a signal'}`;
  return { sigterm: 'SIGTERM', sigkill: 'SIGKILL', 'pod-terminating': 'terminating', 'endpoint-removed': 'endpoint removed', 'pod-ready': 'ready', 'prestop-started': 'preStop' }[e.kind as string] ?? e.kind;
}

function analysisLines(a: Analysis, width: number, st: TextStyle, interrupted: boolean): string[] {
  const out: string[] = [];
  const pad = ' '.repeat(LABEL);
  if (a.windows.length === 0) {
    out.push(`${st.bold('outages'.padEnd(LABEL))}none (no span where failures outnumbered successes)`);
  } else {
    out.push(`${st.bold('outages'.padEnd(LABEL))}${a.windows.length} window${a.windows.length === 1 ? '' : 's'}, longest ${formatDuration(a.longestOutageMs)}, total ${formatDuration(a.totalOutageMs)}`);
    for (const w of a.windows.slice(0, 8)) {
      out.push(`${pad}${formatAt(w.startMs).padStart(8)} – ${formatAt(w.endMs).padStart(8)}  ${formatDuration(w.durationMs).padStart(7)}  ${w.failures} failures${w.pods?.length ? `  (${clean(w.pods.join(', '))})` : ''}`);
    }
    if (a.windows.length > 8) out.push(st.dim(`${pad}… ${a.windows.length - 8} more`));
  }
  out.push(...stepLines(a, st, LABEL, clean));
  if (a.findings.length) out.push(st.bold('findings'));
  for (const f of a.findings) {
    const sev = f.severity === 'critical' ? st.red('✖ critical') : f.severity === 'warning' ? st.yellow('! warning ') : st.cyan('i info    ');
    out.push(...wrapText(clean(f.title), width, `  ${sev} ${st.bold(f.id)}: `, '      '));
    for (const e of f.evidence) out.push(...wrapText(clean(e), width, '      · ', '        '));
    out.push(...wrapText(clean(f.fix), width, `      ${st.green('fix:')} `, '           '));
  }
  const v = a.verdict;
  const head = v.pass ? st.green(st.bold('PASS')) : v.inconclusive !== undefined ? st.yellow(st.bold('INCONCLUSIVE')) : st.red(st.bold('FAIL'));
  out.push(`${st.bold('verdict'.padEnd(LABEL))}${head}${v.reasons.length ? '' : ' (no thresholds set)'}`);
  for (const r of v.reasons) out.push(...wrapText(clean(r), width, `${pad}· `, `${pad}  `));
  const code = interrupted ? 130 : v.pass ? 0 : v.inconclusive !== undefined ? 3 : 1;
  out.push(st.dim(`${pad}exit ${code}  (0 pass, 1 failed, 2 usage, 3 inconclusive, 130 interrupted)`));
  return out;
}
