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
  // Keys keep their order, so that a loaded run is the same object down to its JSON text.
  let sep = '{';
  for (const [key, value] of Object.entries(results)) {
    if (value === undefined) continue;
    yield `${sep}${JSON.stringify(key)}:`;
    sep = ',';
    if (key === 'schema') yield JSON.stringify(RESULTS_SCHEMA);
    else if (key === 'intervals') yield* intervalChunks(value as Results['intervals']);
    else if (key === 'failures') yield* packTableChunks(value as FailureRecord[], FAILURE_COLUMNS as Columns);
    else if (key === 'analysis' && value !== null) yield* analysisChunks(value as Analysis);
    else yield JSON.stringify(value);
  }
  yield '}\n';
}

function* intervalChunks(intervals: Results['intervals']): Generator<string> {
  yield '[';
  for (let i = 0; i < intervals.length; i += INTERVALS_PER_CHUNK) {
    const text = intervals.slice(i, i + INTERVALS_PER_CHUNK).map((s) => JSON.stringify(s)).join(',');
    yield i === 0 ? text : `,${text}`;
  }
  yield ']';
}

function* analysisChunks(analysis: Analysis): Generator<string> {
  let sep = '{';
  for (const [key, value] of Object.entries(analysis)) {
    if (value === undefined) continue;
    yield `${sep}${JSON.stringify(key)}:`;
    sep = ',';
    if (key === 'attributions') yield* packTableChunks(value as Attribution[], ATTRIBUTION_COLUMNS as Columns);
    else yield JSON.stringify(value);
  }
  yield sep === '{' ? '{}' : '}';
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
