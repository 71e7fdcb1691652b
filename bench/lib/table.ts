/** BenchRow is one measured figure: which case, which tool, the value, and the target it is held to. */
export interface BenchRow {
  case: string;
  tool: string;
  value: string;
  target?: string;
  note?: string;
}

/** BenchOptions are what bench/run.ts passes every bench module. */
export interface BenchOptions {
  /** quick shortens every run (for a smoke check, not for figures). */
  quick: boolean;
  /** long runs the benches that have a long mode at full length (rss: 10 minutes). */
  long?: boolean;
}

/** formatTable renders rows as an aligned text table. */
export function formatTable(rows: BenchRow[]): string {
  const cols: Array<keyof BenchRow> = ['case', 'tool', 'value', 'target', 'note'];
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((s, i) => s.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(cols),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(cols.map((c) => String(r[c] ?? '')))),
  ].join('\n');
}
