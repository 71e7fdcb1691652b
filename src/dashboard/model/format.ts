/** formatSpan writes a short duration for a narrow column: "350ms", "4.2s", "42s", "2m05s", "1h02m". */
export function formatSpan(ms: number): string {
  const abs = Math.max(0, ms);
  if (abs < 1000) return `${Math.round(abs)}ms`;
  if (abs < 10_000) return `${(abs / 1000).toFixed(1)}s`;
  if (abs < 60_000) return `${Math.floor(abs / 1000)}s`;
  const totalSec = Math.floor(abs / 1000);
  if (totalSec < 3600) return `${Math.floor(totalSec / 60)}m${pad2(totalSec % 60)}s`;
  return `${Math.floor(totalSec / 3600)}h${pad2(Math.floor(totalSec / 60) % 60)}m`;
}

/** formatClock writes run time as m:ss.t ("1:05.3") for the event log. */
export function formatClock(atMs: number): string {
  const tenths = Math.floor(Math.max(0, atMs) / 100);
  const sec = Math.floor(tenths / 10);
  return `${Math.floor(sec / 60)}:${pad2(sec % 60)}.${tenths % 10}`;
}

/** formatLatencyUs writes a latency given in µs: "850µs", "12.3ms", "1.20s". */
export function formatLatencyUs(us: number): string {
  if (us <= 0) return '-';
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 100_000) return `${(us / 1000).toFixed(1)}ms`;
  if (us < 1_000_000) return `${Math.round(us / 1000)}ms`;
  return `${(us / 1_000_000).toFixed(2)}s`;
}

/** formatCount writes a count compactly: 999, 12.3k, 4.5M. */
export function formatCount(n: number): string {
  if (n < 10_000) return String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** formatRate writes req/s with one decimal below 10. */
export function formatRate(ratePerSec: number): string {
  return ratePerSec < 10 && ratePerSec % 1 !== 0 ? ratePerSec.toFixed(1) : formatCount(ratePerSec);
}

/** ellipsize cuts text to `width` characters, ending in "…" when it had to cut. */
export function ellipsize(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/** fit pads or cuts text to exactly `width` characters (right-aligned when `right`). */
export function fit(text: string, width: number, right = false): string {
  const cut = ellipsize(text, width);
  return right ? cut.padStart(width) : cut.padEnd(width);
}

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** sparkline draws values as block characters scaled to `max`; zero is a blank, any non-zero at least "▁". */
export function sparkline(values: readonly number[], max: number): string {
  let out = '';
  for (const v of values) {
    if (v <= 0 || max <= 0) out += ' ';
    else out += BARS[Math.min(BARS.length - 1, Math.ceil((v / max) * BARS.length) - 1)] ?? '█';
  }
  return out;
}

/** bar draws a done/total progress bar `width` characters wide. */
export function bar(done: number, total: number, width: number): string {
  if (width <= 0) return '';
  const filled = total <= 0 ? 0 : Math.max(0, Math.min(width, Math.round((done / total) * width)));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
