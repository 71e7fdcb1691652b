import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';
import { validateResults } from './validate.js';
import { READABLE_SCHEMAS, resultsFileChunks, TableProblem, unpackResultsFile } from './file-format.js';
import { RESULTS_SCHEMA, type Results } from './types.js';

/**
 * writeResults writes one results object as a v2 file (file-format.ts), a piece
 * at a time: a long run's file is never held as one string. A missing folder is a UsageError.
 */
export function writeResults(path: string, results: Results): void {
  if (!existsSync(dirname(path))) {
    throw new UsageError(
      `--out: folder ${dirname(path)} does not exist; create it or choose another path`,
    );
  }
  const fd = openSync(path, 'w');
  try {
    for (const chunk of resultsFileChunks(results)) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/** loadResults reads and validates a results file (v2, or v1 from older versions), with a one-line UsageError when it is not one. */
export function loadResults(path: string): Results {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new UsageError(
        `${path}: no such file; give the path of a results JSON file (rollcheck load --out)`,
      );
    throw new UsageError(
      `${path}: cannot read it (${code ?? 'error'}); check the path and its permissions`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`${path}: not JSON; give a results file written by rollcheck (--out)`);
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (typeof schema !== 'string' || !schema.startsWith('rollcheck.results/')) {
    throw new UsageError(
      `${path}: not a rollcheck results file (no "schema": "${RESULTS_SCHEMA}"); give a file written by rollcheck`,
    );
  }
  if (!READABLE_SCHEMAS.includes(schema)) {
    const versions = READABLE_SCHEMAS.map((s) => s.slice('rollcheck.results/'.length)).join(' and ');
    throw new UsageError(
      `${path}: results version ${schema.slice('rollcheck.results/'.length)} is not supported by this rollcheck (reads ${versions}); use a matching rollcheck version`,
    );
  }
  try {
    unpackResultsFile(data as Record<string, unknown>);
  } catch (e) {
    if (!(e instanceof TableProblem)) throw e;
    throw new UsageError(`${path}: invalid results file: ${e.message}; re-run rollcheck to write a fresh one`);
  }
  const problem = validateResults(data);
  if (problem !== null)
    throw new UsageError(
      `${path}: invalid results file: ${problem}; re-run rollcheck to write a fresh one`,
    );
  return data as Results;
}
