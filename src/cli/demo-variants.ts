import type { FindingId, Results } from '../results/types.js';
import { H2_DEMO_VARIANTS } from './demo-ladder-h2.js';

/** DemoVariant is one rung of the demo ladder: each fixes one more shutdown mistake. */
export interface DemoVariant {
  name: string;
  title: string;
  entrypoint: 'shell' | 'exec';
  preStop: boolean;
  drain: boolean;
  /** expect is the finding this rung must show, or 'pass' for the last one. */
  expect: FindingId | 'pass';
  lesson: string;
  fix: string;
  /** behindIngress: what the rung shows through each `--ingress` proxy instead, when that differs (the proxy changes what clients see). */
  behindIngress?: Partial<Record<string, { expect: FindingId | 'pass'; lesson: string }>>;
  /** orExpect: another finding that teaches the same lesson (the endpoint race shows as either, run to run). */
  orExpect?: FindingId;
  /** absent: findings the rung must not show (a pass with them, or next to the expected one, misses the lesson). */
  absent?: FindingId[];
  /** env: more DEMO_* settings for the app; replicas, connections and cooldownMs override the demo's own for this rung. */
  env?: string[];
  replicas?: number;
  /** maxUnavailable with maxSurge 0: pods replaced one at a time, each old one gone before its replacement (kubectl's --max-surge 0 --max-unavailable N). */
  maxUnavailable?: number;
  connections?: number;
  cooldownMs?: number;
}

/** DEMO_VARIANTS is the ladder of issue 4, in order. */
export const DEMO_VARIANTS: readonly DemoVariant[] = [
  {
    name: 'shell',
    title: 'entrypoint-shell.sh: sh is PID 1 and runs the app without exec',
    entrypoint: 'shell',
    preStop: false,
    drain: true,
    expect: 'sigterm-ignored',
    lesson: 'the shell never passes SIGTERM on, so the app runs on until the SIGKILL at the grace period and its in-flight requests die with it',
    fix: 'exec the app from the entrypoint (or run tini / dumb-init as PID 1)',
  },
  {
    name: 'exec',
    title: 'entrypoint-exec.sh, no preStop hook',
    entrypoint: 'exec',
    preStop: false,
    drain: true,
    expect: 'no-prestop-drain',
    lesson: 'the app gets SIGTERM at once and stops accepting while the Service still sends it new connections for the endpoint delay',
    fix: 'a preStop sleep longer than endpoint propagation (lifecycle.preStop.sleep.seconds)',
  },
  {
    name: 'prestop',
    title: 'exec + preStop sleep, but the app closes every connection at SIGTERM (DEMO_DRAIN=0)',
    entrypoint: 'exec',
    preStop: true,
    drain: false,
    expect: 'keepalive-reset',
    lesson: 'no new connections reach the pod any more, but requests on kept-alive connections are cut when the app closes them at SIGTERM',
    fix: 'drain: answer with Connection: close, close a connection only once idle, finish in-flight requests, then exit',
    behindIngress: {
      nginx: {
        expect: 'pass',
        lesson: 'behind nginx the clients\' keep-alive connections end at the proxy, and its reload drops its pooled connections to a removed pod: once the preStop sleep outlasts the Service and ingress delays, the cut at SIGTERM reaches nobody (with a shorter preStop, in-flight POSTs die as 502: upstream-keepalive-reset)',
      },
      haproxy: {
        expect: 'upstream-keepalive-reset',
        lesson: 'behind HAProxy a server set to maintenance through the runtime API keeps the connections client sessions already hold to it, so requests still reach the pod after the ingress dropped it and the cut at SIGTERM closes them: a preStop sleep is not enough, the app must drain',
      },
    },
  },
  {
    name: 'drain',
    title: 'exec + preStop sleep + draining app',
    entrypoint: 'exec',
    preStop: true,
    drain: true,
    expect: 'pass',
    lesson: 'every request answered: the rollout is invisible to clients',
    fix: 'nothing left to fix',
  },
];

/** ladderFor is the demo ladder for the traffic's protocol: the HTTP/2 one for h2c and gRPC, the HTTP/1.1 one otherwise. */
export function ladderFor(protocol: string | undefined): readonly DemoVariant[] {
  return protocol === 'grpc' || protocol === 'h2c' ? H2_DEMO_VARIANTS : DEMO_VARIANTS;
}

/** pickVariants reads `--variants shell,exec,…` from the protocol's ladder; an unknown name is a usage error listing the known ones. */
export function pickVariants(text: string | undefined, protocol?: string): DemoVariant[] | string {
  const ladder = ladderFor(protocol);
  if (text === undefined || text.trim() === '') return [...ladder];
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !ladder.some((v) => v.name === n));
  if (unknown.length) return `--variants: unknown variant ${unknown.join(', ')}; choose from ${ladder.map((v) => v.name).join(', ')}`;
  return ladder.filter((v) => names.includes(v.name));
}

/** VariantOutcome says whether a rung taught its lesson. */
export interface VariantOutcome {
  ok: boolean;
  headline: string;
}

/** judgeVariant checks a finished run against what its rung must show. */
export function judgeVariant(v: DemoVariant, r: Results): VariantOutcome {
  const a = r.analysis;
  const failed = r.totals.failed;
  const ids = a?.findings.map((f) => f.id) ?? [];
  const ingress = r.meta.params.ingress;
  const viaProxy = typeof ingress === 'string' ? v.behindIngress?.[ingress]?.expect : undefined;
  const or = v.orExpect;
  const shown = viaProxy === undefined && or !== undefined && v.expect !== 'pass' && !ids.includes(v.expect) && ids.includes(or) ? or : v.expect;
  const expect = viaProxy ?? shown;
  const wrong = (v.absent ?? []).filter((id) => ids.includes(id));
  if (wrong.length > 0) return { ok: false, headline: `${failed} failed requests; found ${wrong.join(', ')}, which this rung must not show` };
  if (expect === 'pass') {
    const ok = a?.verdict.pass === true;
    // An HTTP/2 or gRPC verdict leaves out the streams a standard client retries unseen (--strict-streams counts them).
    const left = a?.verdict.uncounted?.neverProcessed ?? 0;
    const note = left > 0 ? ` (${left} never processed, retried unseen by a standard gRPC client: not counted)` : '';
    const unsure = a?.verdict.inconclusive;
    const verdict = unsure !== undefined ? `verdict INCONCLUSIVE (${unsure.split(':')[0]})` : 'verdict FAIL';
    return { ok, headline: ok ? `${failed} failed requests${note}, verdict PASS` : `${failed} failed requests (${ids.join(', ') || 'no finding'}), ${verdict} — expected a clean pass` };
  }
  const ok = ids.includes(expect);
  const found = a?.findings.find((f) => f.id === expect);
  const count = found && found.failures > 0 ? `${found.failures} of ${failed} failed requests` : `${failed} failed requests`;
  const hidden = found?.data?.hiddenByRetry;
  const proxy = found?.data?.proxy;
  const retry =
    typeof hidden !== 'number'
      ? ''
      : typeof proxy === 'string'
        ? ` (${proxy}'s retries hid ${hidden} more)`
        : expect === 'goaway-race'
          ? ` (a standard gRPC client would have retried ${hidden} of them unseen)`
          : ` (a client that retries idempotent requests would have hidden ${hidden}; undici and scripts see them all)`;
  const share = found?.data?.lowestSharePct;
  const pinned = typeof share === 'number' ? ` (the least-served ready pod got ${share}% of the streams)` : '';
  return { ok, headline: ok ? `${count} → ${expect}${retry}${pinned}` : `${failed} failed requests; expected ${expect}, found ${ids.join(', ') || 'nothing'}` };
}

/** lessonFor is a rung's lesson, through the `ingress` proxy when one is named. */
export function lessonFor(v: DemoVariant, ingress: string | undefined): string {
  return (ingress !== undefined ? v.behindIngress?.[ingress]?.lesson : undefined) ?? v.lesson;
}

/** fixFor is the short fix of a rung, for the lesson block (the report carries the full one). */
export function fixFor(v: DemoVariant): string {
  return v.fix;
}
