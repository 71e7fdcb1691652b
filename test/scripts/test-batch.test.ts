// A batch of test files in one process (scripts/test-batch.mjs, its reporter
// scripts/test-batch-reporter.mjs): each file's tests are counted under its own name,
// its after hooks run when its own tests end, a file that cannot load fails alone,
// and no test starts before every file of the batch has loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../scripts/test-batch.mjs', import.meta.url));
const REPORTER = new URL('../../scripts/test-batch-reporter.mjs', import.meta.url).href;

const FILES: Record<string, string> = {
  // Its tests log when they run, its after hook when it runs.
  'first.test.mjs': `import { test, after } from 'node:test';
import { appendFileSync } from 'node:fs';
const log = (s) => appendFileSync(process.env.BATCH_LOG, s + '\\n');
after(() => log('first after'));
test('one', async () => { log('first one'); await new Promise((r) => setTimeout(r, 50)); });
test('two', { skip: 'not here' }, () => {});
test('three', () => log('first three'));
`,
  'broken.test.mjs': `import { test } from 'node:test';\nthrow new Error('cannot load');\n`,
  // Loaded last: the log shows it loaded before any test of the batch ran.
  'second.test.mjs': `import { test, describe } from 'node:test';
import { appendFileSync } from 'node:fs';
const log = (s) => appendFileSync(process.env.BATCH_LOG, s + '\\n');
log('second loaded');
describe('inner', () => {
  test('passes', () => log('second passes'));
  test('fails', () => { throw new Error('no'); });
});
`,
};

test('a batch counts each file under its name, runs its after hooks when its tests end, and loads every file before the first test', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-batch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  const byFile = join(dir, 'by-file.jsonl');
  const log = join(dir, 'log');
  writeFileSync(log, '');
  const args = [`--test-reporter=${REPORTER}`, `--test-reporter-destination=${byFile}`, ENTRY, ...Object.keys(FILES).flatMap((n) => [n, join(dir, n)])];
  const code = await new Promise<number | null>((resolve) => execFile(process.execPath, args, { env: { ...process.env, BATCH_LOG: log } }, (err) => resolve(err ? ((err as { code?: number }).code ?? null) : 0)));
  assert.equal(code, 1, 'a failing test fails the batch');
  const lines = readFileSync(byFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; pass: number; fail: number; skip: number; ms: number });
  assert.deepEqual(lines.map(({ file, pass, fail, skip }) => ({ file, pass, fail, skip })), [
    { file: 'first.test.mjs', pass: 2, fail: 0, skip: 1 },
    { file: 'broken.test.mjs', pass: 0, fail: 1, skip: 0 },
    { file: 'second.test.mjs', pass: 1, fail: 1, skip: 0 },
  ]);
  assert.ok(lines[0]!.ms >= 40, `the first file's time holds its 50 ms test: ${lines[0]!.ms}`);
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['second loaded', 'first one', 'first three', 'first after', 'second passes']);
});
