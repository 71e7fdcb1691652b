// Helpers for the results file tests: a temp folder that is always removed, and the one-line UsageError a call throws.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';

/** withDir runs `fn` with a fresh temp folder and removes it afterwards. */
export function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-io-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** usageMessage is the message of the UsageError `fn` throws, checked to be one line. */
export function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    assert.doesNotMatch(e.message, /\n/, 'one line');
    return e.message;
  }
  throw new Error('expected a UsageError');
}
