import type { Io } from '../io.js';

/**
 * shouldUseDashboard says whether to draw the live dashboard: only when asked
 * for, stdout is a terminal, and not under CI (CI logs keep every frame) or a
 * dumb terminal; otherwise the caller prints one progress line per second.
 */
export function shouldUseDashboard(io: Io, requested: boolean): boolean {
  if (!requested || io.stdout.isTTY !== true) return false;
  const ci = io.env['CI'];
  if (ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false') return false;
  return io.env['TERM'] !== 'dumb';
}

/** colorEnabled follows NO_COLOR (https://no-color.org): any non-empty value turns colour off. */
export function colorEnabled(io: Io): boolean {
  const v = io.env['NO_COLOR'];
  return v === undefined || v === '';
}
