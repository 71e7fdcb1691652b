import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, Pair } from 'yaml';
import { isUsageError, UsageError } from '../errors.js';
import { parseDurationMs } from '../parse.js';

/**
 * Field is one value of the scenario file with its dotted path and its line,
 * so that every validation error names both ("scenario.yaml:12: steps[2].kill-pod.grace: …").
 */
export interface Field {
  path: string;
  line: number;
  node: Node | null;
}

/** YamlReader reads typed values out of a parsed file; every mistake is a UsageError naming line and field. */
export interface YamlReader {
  file: string;
  root: Field;
  fail(field: Field, problem: string): never;
  /** map reads a mapping, rejecting keys not in `allowed`; the result maps key → field. */
  map(field: Field, allowed: readonly string[]): Map<string, Field>;
  list(field: Field): Field[];
  str(field: Field): string;
  num(field: Field): number;
  int(field: Field, min: number): number;
  bool(field: Field): boolean;
  /** duration reads `30s`, `500ms`, `2m` or a bare number of seconds. */
  durationMs(field: Field): number;
  /** isMap tells whether the field holds a mapping (for steps written short or long). */
  isMap(field: Field): boolean;
}

/** readYaml parses `text` (the file `file`) and fails with the line of the first syntax error. */
export function readYaml(file: string, text: string): YamlReader {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line ?? 1;
    const message = first.message.split('\n')[0] ?? 'invalid YAML';
    throw new UsageError(
      `${file}:${line}: not valid YAML (${message}); check the indentation and quoting there`,
    );
  }
  const lineOf = (node: Node | null | undefined, fallback: number): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : fallback;
  const fail = (field: Field, problem: string): never => {
    throw new UsageError(`${file}:${field.line}: ${field.path || 'scenario'}: ${problem}`);
  };
  const scalar = (field: Field): unknown => {
    if (!isScalar(field.node))
      fail(field, `expected a single value, found ${describe(field.node)}`);
    return (field.node as { value: unknown }).value;
  };
  const child = (parent: Field, name: string, node: Node | null, keyLine: number): Field => ({
    path: parent.path ? `${parent.path}.${name}` : name,
    line: lineOf(node, keyLine),
    node,
  });
  const reader: YamlReader = {
    file,
    root: { path: '', line: 1, node: (doc.contents as Node | null) ?? null },
    fail,
    isMap: (field) => isMap(field.node),
    map(field, allowed) {
      if (!isMap(field.node))
        fail(field, `expected a mapping (key: value lines), found ${describe(field.node)}`);
      const out = new Map<string, Field>();
      for (const pair of (field.node as { items: Pair<unknown, unknown>[] }).items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : '';
        const keyLine = lineOf(keyNode, field.line);
        const f = child(field, key, (pair.value as Node | null) ?? null, keyLine);
        if (!allowed.includes(key)) {
          fail(
            { ...f, line: keyLine },
            `unknown field "${key}"; expected one of: ${allowed.join(', ')}`,
          );
        }
        out.set(key, f);
      }
      return out;
    },
    list(field) {
      if (!isSeq(field.node))
        fail(field, `expected a list ("- item" lines), found ${describe(field.node)}`);
      return (field.node as { items: Array<Node | null> }).items.map((node, i) => ({
        path: `${field.path}[${i}]`,
        line: lineOf(node, field.line),
        node,
      }));
    },
    str(field) {
      const v = scalar(field);
      if (v === null || v === undefined || typeof v === 'object')
        fail(field, 'expected a text value');
      return String(v);
    },
    num(field) {
      const v = scalar(field);
      const n =
        typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) fail(field, `expected a number, found "${String(v)}"`);
      return n;
    },
    int(field, min) {
      const n = reader.num(field);
      if (!Number.isInteger(n) || n < min)
        fail(field, `expected a whole number of ${min} or more, found ${n}`);
      return n;
    },
    bool(field) {
      const v = scalar(field);
      if (typeof v !== 'boolean') fail(field, `expected true or false, found "${String(v)}"`);
      return v as boolean;
    },
    durationMs(field) {
      const v = scalar(field);
      try {
        return parseDurationMs(String(v), field.path);
      } catch {
        return fail(
          field,
          `cannot read "${String(v)}" as a duration; use e.g. 500ms, 10s, 2m or 1m30s`,
        );
      }
    },
  };
  return reader;
}

function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return `"${String(node.value)}"`;
  return 'something else';
}

/** mapKeys lists the keys of a mapping field (a map of free keys: env, headers). */
export function mapKeys(r: YamlReader, f: Field): string[] {
  const node = f.node as { items?: Array<{ key?: { value?: unknown } }> } | null;
  if (!r.isMap(f)) r.map(f, []);
  return (node?.items ?? []).map((p) => String(p.key?.value ?? ''));
}

/** guard turns a flag parser's UsageError into one that names the file, line and field. */
export function guard<T>(r: YamlReader, f: Field, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!isUsageError(e)) throw e;
    return r.fail(f, e.message.replace(/^-{0,2}[\w-]+: /, ''));
  }
}
