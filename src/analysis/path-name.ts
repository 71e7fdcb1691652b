/** basename is the last part of a slash-separated path (analysis is pure: no node:path). */
export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}
