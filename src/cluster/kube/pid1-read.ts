import type { Pid1Facts, ProcessFacts } from '../../results/events.js';
import { MAX_CHILDREN, processFacts, roleOf, statusField } from '../pid1-facts.js';

// The reader runs inside the app container through pods/exec, so it must make
// do with what a minimal image has: one POSIX `sh -c` script with printf and
// cat (busybox and dash have both), and only plain `cat` calls without a shell.
// Each file's text follows a marker line that carries a nonce of this
// inspection, so no file's content can pass for a marker.

/** readerScript is the `sh -c` script: the reader's own PID, then status, cmdline and exe of PID 1 and of its children. */
export function readerScript(nonce: string): string {
  const mark = (what: string, pid: string) => `printf '\\n${nonce} ${what} %s\\n' ${pid}`;
  return [
    `${mark('self', '"$$"')}`,
    'n=0',
    // Every thread of PID 1 can have children; the reader itself is no child of PID 1 (its parent is the runtime).
    'for p in 1 $(cat /proc/1/task/*/children 2>/dev/null); do',
    `  [ "$n" -gt ${MAX_CHILDREN} ] && break`,
    '  n=$((n+1))',
    `  ${mark('status', '"$p"')}; cat "/proc/$p/status" 2>/dev/null`,
    `  ${mark('cmdline', '"$p"')}; cat "/proc/$p/cmdline" 2>/dev/null`,
    `  ${mark('exe', '"$p"')}; readlink "/proc/$p/exe" 2>/dev/null`,
    'done',
    `${mark('end', '0')}`,
  ].join('\n');
}

/** ReadTexts is what a reader got: per PID, its status, cmdline and exe texts (undefined: not read). */
export type ReadTexts = Map<number, { status?: string; cmdline?: string; exe?: string }>;

/** parseReaderOutput splits the script's output at its marker lines; null when the end marker never came (the script did not run through). */
export function parseReaderOutput(out: string, nonce: string): { self: number | null; texts: ReadTexts } | null {
  const marker = new RegExp(`\\n${nonce} (self|status|cmdline|exe|end) (\\d+)\\n`, 'g');
  const texts: ReadTexts = new Map();
  let self: number | null = null;
  let ended = false;
  let open: { what: string; pid: number; from: number } | null = null;
  const close = (to: number): void => {
    if (!open || open.what === 'self' || open.what === 'end') return;
    const entry = texts.get(open.pid) ?? {};
    entry[open.what as 'status' | 'cmdline' | 'exe'] = out.slice(open.from, to);
    texts.set(open.pid, entry);
  };
  for (const m of out.matchAll(marker)) {
    close(m.index);
    const what = m[1] as string;
    const pid = Number(m[2]);
    if (what === 'self') self = pid;
    if (what === 'end') ended = true;
    open = { what, pid, from: m.index + m[0].length };
  }
  return ended ? { self, texts } : null;
}

/**
 * factsFromTexts builds PID 1's facts from what the reader read; null when
 * PID 1's status or cmdline is missing. A child counts only when its own
 * status names PID 1 as its parent and it is not the reader: a process exec'd
 * into the container is a process of the namespace but never PID 1's child.
 */
export function factsFromTexts(texts: ReadTexts, readerPid: number | null): Pid1Facts | null {
  const one = texts.get(1);
  if (one?.status === undefined || one.cmdline === undefined || one.status === '') return null;
  const exeOf = (e: string | undefined): string | null => (e !== undefined && e.trim() !== '' ? e.trim() : null);
  const self = processFacts(1, one.status, one.cmdline, exeOf(one.exe));
  const children: ProcessFacts[] = [];
  for (const [pid, t] of texts) {
    if (pid === 1 || pid === readerPid || t.status === undefined || t.cmdline === undefined) continue;
    if (statusField(t.status, 'PPid') !== 1) continue;
    if (children.length < MAX_CHILDREN) children.push(processFacts(pid, t.status, t.cmdline, exeOf(t.exe)));
  }
  return { ...self, role: roleOf(self), children };
}
