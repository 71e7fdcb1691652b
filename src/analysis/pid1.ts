import type { Pid1Facts, ProcessFacts } from '../results/events.js';
import type { Results } from '../results/types.js';
import { basename } from './path-name.js';
import { plural } from './format.js';

/** INSPECT_RBAC is the RBAC file a Kubernetes run needs to read PID 1 through pods/exec (`rollcheck run --inspect-pid1`). */
export const INSPECT_RBAC = 'manifests/rbac-inspect.yaml';

/** Pid1Reaction is whether PID 1, as inspected, makes SIGTERM stop the app. */
export type Pid1Reaction = 'reacts' | 'ignores' | 'unknown';

/** processName is a process's short name: argv[0]'s base name, else the executable's. */
export function processName(p: ProcessFacts): string {
  return basename(p.argv[0] ?? p.exe ?? '?') || basename(p.exe ?? '?');
}

/** commandLine writes a process's argv, shortened, for evidence text. */
export function commandLine(p: ProcessFacts, max = 60): string {
  const text = p.argv.length > 0 ? p.argv.join(' ') : (p.exe ?? '?');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * pid1Reaction tells from the inspection whether SIGTERM to PID 1 can stop the
 * app: a shell without a trap never forwards it; an app as PID 1 without a
 * handler is not terminated by it (the kernel does not apply the default
 * action to a namespace's init); a known init forwards it to its children,
 * which react unless they ignore or block it.
 */
export function pid1Reaction(p: Pid1Facts): Pid1Reaction {
  if (p.role === 'init') {
    if (p.children.length === 0) return 'unknown';
    return p.children.some((c) => c.sigterm === 'handled' || c.sigterm === 'default') ? 'reacts' : 'ignores';
  }
  if (p.sigterm === 'handled') return p.role === 'shell' || catchesForItself(p) ? 'unknown' : 'reacts';
  return 'ignores';
}

// Runtimes that catch SIGTERM themselves whatever the app does: Node.js restores the terminal and
// re-raises it, which a namespace's PID 1 does not die of. /proc cannot tell the app's handler from theirs.
const SELF_CATCHERS = new Set(['node', 'nodejs']);

/** catchesForItself: PID 1 is a runtime whose own SIGTERM handler hides whether the app has one. */
export function catchesForItself(p: ProcessFacts): boolean {
  return SELF_CATCHERS.has(processName(p)) || SELF_CATCHERS.has(basename(p.exe ?? ''));
}

/** describePid1 says in one sentence what PID 1 is and what it does with SIGTERM. */
export function describePid1(p: Pid1Facts): string {
  const me = `\`${commandLine(p)}\``;
  const kids = p.children.map((c) => `\`${processName(c)}\``).join(', ');
  if (p.role === 'shell') {
    if (p.sigterm === 'handled') return `PID 1 is the shell ${me} with a SIGTERM trap${kids ? `, running ${kids}` : ''}`;
    return `PID 1 is the shell ${me}${kids ? ` running ${kids} as a child` : ''}: the shell does not forward SIGTERM${kids ? ` to ${kids}` : ''}`;
  }
  if (p.role === 'init') {
    const ignoring = p.children.filter((c) => c.sigterm === 'ignored' || c.sigterm === 'blocked');
    const base = `PID 1 is the init ${me}, which forwards SIGTERM${kids ? ` to ${kids}` : ''}`;
    return ignoring.length > 0 ? `${base}; ${ignoring.map((c) => `\`${processName(c)}\``).join(', ')} ${ignoring.length === 1 ? 'ignores' : 'ignore'} it` : base;
  }
  const name = `\`${processName(p)}\``;
  switch (p.sigterm) {
    case 'handled':
      return catchesForItself(p)
        ? `PID 1 is ${name} (${me}); Node.js catches SIGTERM itself (to restore the terminal, then re-raises it, which PID 1 does not die of), so /proc cannot tell whether the app handles it`
        : `PID 1 is ${name} (${me}), which handles SIGTERM`;
    case 'ignored':
      return `PID 1 is ${name} (${me}), which ignores SIGTERM (SigIgn)`;
    case 'blocked':
      return `PID 1 is ${name} (${me}), which blocks SIGTERM (SigBlk)`;
    default:
      return `PID 1 is ${name} (${me}), which installs no SIGTERM handler; as PID 1 the default action (terminate) does not apply to it`;
  }
}

/**
 * pid1Warnings says once, for the whole run, when the driver tried to read PID 1
 * and could not: pods/exec forbidden (with the RBAC file that grants it), or
 * other failures (no reader in the image, timeouts) with the first reason.
 */
export function pid1Warnings(results: Results): string[] {
  const forbidden = new Set<string>();
  const other = new Map<string, string>();
  for (const e of results.events) {
    if (e.kind !== 'pid1-unknown') continue;
    if (e.reason === 'forbidden') forbidden.add(e.pod);
    else if (!other.has(e.pod)) other.set(e.pod, e.detail);
  }
  const out: string[] = [];
  if (forbidden.size > 0) {
    out.push(
      `--inspect-pid1: pods/exec was forbidden (403), so PID 1 of ${plural(forbidden.size, 'pod')} was not inspected; grant ${INSPECT_RBAC} (kubectl apply -n <namespace> -f ${INSPECT_RBAC}) to the identity rollcheck runs as`,
    );
  }
  if (other.size > 0) {
    const first = [...other.values()][0] as string;
    out.push(`--inspect-pid1: PID 1 of ${plural(other.size, 'pod')} could not be inspected (${first})`);
  }
  return out;
}
