/**
 * UsageError is a user mistake or an environment problem: the CLI prints its
 * message as one line (no stack trace) and exits 2. The message names the
 * problem and the fix.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** isUsageError tells a UsageError from a bug. */
export function isUsageError(e: unknown): e is UsageError {
  return e instanceof UsageError;
}
