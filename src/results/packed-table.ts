// A results file (v2) keeps its long lists of records (failures, attributions)
// as packed tables: the field names once, then one array per record. Each
// column says how its values are written:
//   us        a time in ms with µs resolution, as whole µs
//   us-delta  the same, less the previous record's value (records come in time order)
//   int-delta a whole number, less the previous record's value
//   dict      an index into the column's dictionary (index 0 is "absent"): repeated strings once
//   bool      1 or 0
//   raw       the JSON value itself
// An absent value is null (0 in a dict column); a column no record has is left out.
// Nested fields are named with a dot ("event.kind"): one level.

/** CODINGS lists how a column can be written. */
export const CODINGS = ['us', 'us-delta', 'int-delta', 'dict', 'bool', 'raw'] as const;

/** Coding is how one column's values are written. */
export type Coding = (typeof CODINGS)[number];

type Scalar = string | number | boolean;
type Cell = number | string | boolean | null;

/** PackedTable is a list of records as written in a v2 results file. */
export interface PackedTable {
  /** fields names the columns, in the order of each row. */
  fields: string[];
  /** codings says how each column is written (same order as fields). */
  codings: Coding[];
  /** rows holds one array per record. */
  rows: Cell[][];
  /** dicts holds each dict column's values by field name; entry 0 is null (absent). */
  dicts: Record<string, Array<Scalar | null>>;
}

/** Columns names a record type's fields (dotted for one nested level) and how each is written. */
export type Columns = Readonly<Record<string, Coding>>;

const ROWS_PER_CHUNK = 2000;

/**
 * packTableChunks writes `records` as a PackedTable's JSON text, a chunk at a
 * time (a long run has hundreds of thousands of records: never one big string).
 * Fields not in `columns` are not written: the caller's Columns must name them all.
 */
export function* packTableChunks(records: readonly object[], columns: Columns): Generator<string> {
  const fields = Object.keys(columns).filter((f) => records.some((r) => read(r, f) !== undefined));
  const codings = fields.map((f) => columns[f] as Coding);
  const dicts = new Map<string, Map<Scalar, number>>();
  for (let c = 0; c < fields.length; c += 1) if (codings[c] === 'dict') dicts.set(fields[c] as string, new Map());
  const prev = fields.map(() => 0);
  yield `{"fields":${JSON.stringify(fields)},"codings":${JSON.stringify(codings)},"rows":[`;
  let chunk: string[] = [];
  for (let i = 0; i < records.length; i += 1) {
    const r = records[i] as object;
    const row: Cell[] = [];
    for (let c = 0; c < fields.length; c += 1) {
      const field = fields[c] as string;
      row.push(encodeCell(read(r, field), codings[c] as Coding, dicts.get(field), prev, c, field));
    }
    chunk.push(JSON.stringify(row));
    if (chunk.length === ROWS_PER_CHUNK) {
      yield (i + 1 > ROWS_PER_CHUNK ? ',' : '') + chunk.join(',');
      chunk = [];
    }
  }
  if (chunk.length > 0) yield (records.length > ROWS_PER_CHUNK ? ',' : '') + chunk.join(',');
  const dictJson = [...dicts].map(([f, d]) => `${JSON.stringify(f)}:${JSON.stringify([null, ...d.keys()])}`);
  yield `],"dicts":{${dictJson.join(',')}}}`;
}

function encodeCell(v: unknown, coding: Coding, dict: Map<Scalar, number> | undefined, prev: number[], c: number, field: string): Cell {
  if (v === undefined || v === null) return coding === 'dict' ? 0 : null;
  switch (coding) {
    case 'us':
      return Math.round(num(v, field) * 1000);
    case 'us-delta': {
      const us = Math.round(num(v, field) * 1000);
      const d = us - (prev[c] as number);
      prev[c] = us;
      return d;
    }
    case 'int-delta': {
      const n = num(v, field);
      const d = n - (prev[c] as number);
      prev[c] = n;
      return d;
    }
    case 'dict': {
      const key = v as Scalar;
      let at = dict?.get(key);
      if (at === undefined && dict) {
        at = dict.size + 1;
        dict.set(key, at);
      }
      return at ?? 0;
    }
    case 'bool':
      return v === true ? 1 : 0;
    case 'raw':
      return v as Cell;
  }
}

function num(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`packed table: ${field} is not a finite number (${String(v)})`);
  return v;
}

/** TableProblem is a packed table that cannot be read; its message names the field (for a one-line error). */
export class TableProblem extends Error {}

/** unpackTable reads a PackedTable back into records (the fields it has; absent values left out). */
export function unpackTable(data: unknown, name: string): Array<Record<string, unknown>> {
  const t = data as Partial<PackedTable> | null;
  if (t === null || typeof t !== 'object' || !Array.isArray(t.fields) || !Array.isArray(t.codings) || !Array.isArray(t.rows)) {
    throw new TableProblem(`${name} is not a packed table (fields, codings and rows)`);
  }
  const { fields, codings, rows } = t as PackedTable;
  const dicts = (t.dicts ?? {}) as PackedTable['dicts'];
  if (codings.length !== fields.length) throw new TableProblem(`${name}.codings has ${codings.length} entries for ${fields.length} fields`);
  codings.forEach((coding, c) => {
    if (!(CODINGS as readonly string[]).includes(coding)) throw new TableProblem(`${name}.codings.${c} is not one of ${CODINGS.join(', ')}`);
    if (coding === 'dict' && !Array.isArray(dicts[fields[c] as string])) throw new TableProblem(`${name}.dicts.${String(fields[c])} is missing`);
  });
  const prev = fields.map(() => 0);
  const out: Array<Record<string, unknown>> = new Array<Record<string, unknown>>(rows.length);
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length !== fields.length) throw new TableProblem(`${name}.rows.${i} does not have ${fields.length} cells`);
    const rec: Record<string, unknown> = {};
    for (let c = 0; c < fields.length; c += 1) {
      const field = fields[c] as string;
      const v = decodeCell(row[c] as Cell, codings[c] as Coding, dicts[field], prev, c);
      if (v === undefined) continue;
      if (v === INVALID) throw new TableProblem(`${name}.rows.${i}.${c} (${field}) is not a valid ${codings[c]} value`);
      write(rec, field, v);
    }
    out[i] = rec;
  }
  return out;
}

const INVALID = Symbol('invalid');

function decodeCell(v: Cell, coding: Coding, dict: Array<Scalar | null> | undefined, prev: number[], c: number): unknown {
  if (coding === 'dict') {
    if (v === 0) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || dict === undefined || v < 0 || v >= dict.length) return INVALID;
    return dict[v] ?? INVALID;
  }
  if (v === null) return undefined;
  switch (coding) {
    case 'us':
      return Number.isInteger(v) ? (v as number) / 1000 : INVALID;
    case 'us-delta':
    case 'int-delta': {
      if (!Number.isInteger(v)) return INVALID;
      const n = (prev[c] as number) + (v as number);
      prev[c] = n;
      return coding === 'us-delta' ? n / 1000 : n;
    }
    case 'bool':
      return v === 1 ? true : v === 0 ? false : INVALID;
    case 'raw':
      return v;
  }
}

function read(r: object, field: string): unknown {
  const dot = field.indexOf('.');
  const rec = r as Record<string, unknown>;
  if (dot < 0) return rec[field];
  const inner = rec[field.slice(0, dot)] as Record<string, unknown> | undefined;
  return inner?.[field.slice(dot + 1)];
}

function write(r: Record<string, unknown>, field: string, v: unknown): void {
  const dot = field.indexOf('.');
  if (dot < 0) {
    r[field] = v;
    return;
  }
  const outer = field.slice(0, dot);
  const inner = (r[outer] ??= {}) as Record<string, unknown>;
  inner[field.slice(dot + 1)] = v;
}
