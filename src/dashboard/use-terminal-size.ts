import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

/** TerminalSize is the screen in character cells. */
export interface TerminalSize {
  columns: number;
  rows: number;
}

const FALLBACK: TerminalSize = { columns: 80, rows: 24 };

/** useTerminalSize follows the output stream's size through its 'resize' events (`fixed` overrides it, for tests). */
export function useTerminalSize(fixed?: TerminalSize): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize =>
    fixed ?? { columns: stdout.columns || FALLBACK.columns, rows: stdout.rows || FALLBACK.rows };
  const [size, setSize] = useState<TerminalSize>(read);
  useEffect(() => {
    if (fixed) return undefined;
    const onResize = (): void => setSize(read());
    // Ahead of ink's own listener: ink redraws at once on a resize, and a frame still laid
    // out for the old, wider size would wrap in the terminal and leave lines behind.
    stdout.prependListener('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}
