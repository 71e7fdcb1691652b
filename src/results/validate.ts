import { Ajv, type ErrorObject } from 'ajv';
import schema from './schema.json' with { type: 'json' };

// Compiled once, on first use: loading a results file is rare, starting the CLI is not.
let validator: ReturnType<Ajv['compile']> | null = null;

/** RESULTS_JSON_SCHEMA is the JSON Schema of rollcheck.results/v1 (src/results/schema.json). */
export const RESULTS_JSON_SCHEMA: object = schema;

/** validateResults checks data against the results schema; it returns null or the first problem, naming the field. */
export function validateResults(data: unknown): string | null {
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(schema);
  if (validator(data)) return null;
  const e = validator.errors?.[0];
  return e ? describe(e) : 'does not match the schema';
}

function describe(e: ErrorObject): string {
  const at = e.instancePath === '' ? 'the top level' : e.instancePath.slice(1).replace(/\//g, '.');
  if (e.keyword === 'required')
    return `${at === 'the top level' ? '' : at + '.'}${String(e.params.missingProperty)} is missing`;
  if (e.keyword === 'enum' || e.keyword === 'const')
    return `${at} ${e.message ?? 'has a value not allowed'}`;
  return `${at} ${e.message ?? 'is invalid'}`;
}
