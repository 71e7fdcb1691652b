import { colorEnabled } from '../../dashboard/index.js';
import { formatSummary } from '../../report/index.js';
import type { Output } from './output.js';

/** TerminalSummaryOptions say when the summary is printed. */
export interface TerminalSummaryOptions {
  /** summary false prints only the paths (demo prints its own ladder; `rollcheck report` without --summary). */
  summary?: boolean;
  /** quiet prints nothing at all. */
  quiet?: boolean;
}

/**
 * terminalSummaryOutput prints the summary and one line per written file to stdout. Put it last: it lists what the
 * outputs before it wrote. When the dashboard owns the screen its final frame shows both, so this prints nothing.
 */
export function terminalSummaryOutput(options: TerminalSummaryOptions = {}): Output {
  return {
    name: 'terminal summary',
    finish(run) {
      if (run.screen || options.quiet === true) return;
      const out = run.io.stdout;
      if (options.summary !== false) {
        const width = out.columns ?? 100;
        out.write(formatSummary(run.results, { color: out.isTTY === true && colorEnabled(run.io), width }) + '\n');
      }
      const pad = Math.max(...run.written.map((w) => w.label.length)) + 2;
      for (const w of run.written) out.write(`${`${w.label}:`.padEnd(pad)}${w.path}\n`);
    },
  };
}
