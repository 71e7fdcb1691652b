/** formatMs writes a duration the way scenario files and flags take it: 0s, 500ms, 2m, 1.5s. */
export function formatMs(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${+(ms / 1000).toFixed(3)}s`;
}
