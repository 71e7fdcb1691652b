/**
 * SettingsReader reads one target's keys from a scenario file for its driver
 * (`target: {<driver>: {...}}`). The driver decides what its keys mean; the
 * reader knows where each was written, so every mistake names the file, the
 * line and the key. Absent keys read as undefined.
 */
export interface SettingsReader {
  has(key: string): boolean;
  str(key: string): string | undefined;
  int(key: string, min?: number): number | undefined;
  durationMs(key: string): number | undefined;
  bool(key: string): boolean | undefined;
  /** map reads a key whose value is a map of strings (e.g. `env`). */
  map(key: string): Record<string, string> | undefined;
  /** parse reads a key's text through a flag parser, turning its UsageError into one at the key's line. */
  parse<T>(key: string, fn: (text: string) => T): T | undefined;
  /** fail throws a UsageError at the key's line (the target's own line when `key` is undefined or absent). */
  fail(key: string | undefined, message: string): never;
}
