// The results file on disk. v2 (written) is the Results object with its two
// long lists packed (packed-table.ts): `failures` and `analysis.attributions`.
// v1 (still read) had them as arrays of objects, which cost ~230 bytes per
// failure and ~190 per attribution (a 10-minute run with 2.5 % failures: 40 MB).
// In memory both are the same Results: the packing is the file's business only.
import { packTableChunks, TableProblem, unpackTable, type Columns, type Coding } from './packed-table.js';
import type { Analysis, Attribution, FailureRecord, Results } from './types.js';
import { RESULTS_SCHEMA } from './types.js';

/** RESULTS_SCHEMA_V1 is the previous file version, still read: failures and attributions as arrays of objects. */
export const RESULTS_SCHEMA_V1 = 'rollcheck.results/v1';

/** READABLE_SCHEMAS lists the file versions loadResults reads. */
export const READABLE_SCHEMAS: readonly string[] = [RESULTS_SCHEMA_V1, RESULTS_SCHEMA];

/**
 * FAILURE_COLUMNS says how each FailureRecord field is written (a field added
 * to FailureRecord must be named here: the type checker says so). Times follow
 * the file's order (by end time) as deltas in µs; strings go to dictionaries.
 */
export const FAILURE_COLUMNS = {
  intendedAtMs: 'us-delta',
  startAtMs: 'us-delta',
  endAtMs: 'us-delta',
  latencyMs: 'us',
  kind: 'dict',
  status: 'dict',
  errorCode: 'dict',
  message: 'dict',
  connId: 'dict',
  reused: 'bool',
  population: 'dict',
  pod: 'dict',
  runner: 'dict',
  method: 'dict',
  answeredBy: 'dict',
  server: 'dict',
  via: 'dict',
  upstream: 'dict',
  streamId: 'raw',
} as const satisfies Record<keyof FailureRecord, Coding>;

type EventField = `event.${keyof NonNullable<Attribution['event']>}`;

/** ATTRIBUTION_COLUMNS says how each Attribution field is written (the event's fields one by one). */
export const ATTRIBUTION_COLUMNS = {
  failure: 'int-delta',
  pod: 'dict',
  how: 'dict',
  'event.kind': 'dict',
  'event.pod': 'dict',
  'event.atMs': 'dict',
  deltaMs: 'raw',
  text: 'dict',
  cause: 'dict',
} as const satisfies Record<Exclude<keyof Attribution, 'event'> | EventField, Coding>;

// Intervals are written this many to a chunk (each ~1 KB with its two encoded histograms).
const INTERVALS_PER_CHUNK = 200;

/**
 * resultsFileChunks is the text of a v2 results file, a piece at a time, so
 * that writing a long run never builds one string of the whole file.
 */
export function* resultsFileChunks(results: Results): Generator<string> {
  yield* objectChunks(results, (key, value) => {
    if (key === 'schema') return [JSON.stringify(RESULTS_SCHEMA)];
    if (key === 'intervals') return intervalChunks(value as Results['intervals']);
    if (key === 'failures') return packTableChunks(value as FailureRecord[], FAILURE_COLUMNS as Columns);
    if (key === 'analysis' && value !== null) {
      return objectChunks(value as Analysis, (k, v) => (k === 'attributions' ? packTableChunks(v as Attribution[], ATTRIBUTION_COLUMNS as Columns) : null));
    }
    return null;
  });
  yield '\n';
}

/**
 * objectChunks writes an object's JSON a key at a time, in its key order (so
 * that a loaded run is the same object down to its JSON text); `piece` writes
 * the values that have a form of their own, null leaves a value to JSON.stringify.
 */
function* objectChunks(o: object, piece: (key: string, value: unknown) => Iterable<string> | null): Generator<string> {
  let sep = '{';
  for (const [key, value] of Object.entries(o)) {
    if (value === undefined) continue;
    yield `${sep}${JSON.stringify(key)}:`;
    sep = ',';
    yield* piece(key, value) ?? [JSON.stringify(value)];
  }
  yield sep === '{' ? '{}' : '}';
}

function* intervalChunks(intervals: Results['intervals']): Generator<string> {
  yield '[';
  for (let i = 0; i < intervals.length; i += INTERVALS_PER_CHUNK) {
    const text = intervals.slice(i, i + INTERVALS_PER_CHUNK).map((s) => JSON.stringify(s)).join(',');
    yield i === 0 ? text : `,${text}`;
  }
  yield ']';
}

/**
 * unpackResultsFile turns a parsed v2 file into the Results object (v1 files
 * are that object already); it throws a TableProblem naming the field when a
 * packed list cannot be read. It unpacks in place: the parsed data is the result.
 */
export function unpackResultsFile(data: Record<string, unknown>): void {
  if (data.schema === RESULTS_SCHEMA_V1) {
    data.schema = RESULTS_SCHEMA;
    return;
  }
  // A missing list is left for the schema check to name.
  if (data.failures !== undefined && !Array.isArray(data.failures)) data.failures = unpackTable(data.failures, 'failures');
  const analysis = data.analysis as Record<string, unknown> | null | undefined;
  if (analysis !== null && typeof analysis === 'object' && !Array.isArray(analysis.attributions) && analysis.attributions !== undefined) {
    analysis.attributions = unpackTable(analysis.attributions, 'analysis.attributions');
  }
}

export { TableProblem };
