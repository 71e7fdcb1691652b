// A node:test reporter for a batch (scripts/test-batch.mjs): one JSON line per test file
// as its suite ends, `{ file, pass, fail, skip, ms }`, counted as the TAP report counts
// (every test, at any depth; suites are not tests). A file whose suite failed with no
// failing test (it threw while loading) counts one failure.

/** testBatchReporter turns the events of a batch into one line per file. */
export default async function* testBatchReporter(source) {
  let counts = { pass: 0, fail: 0, skip: 0 };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.nesting === 0) {
      // The file's own suite: its tests have all ended by now (a suite ends after them).
      const fail = counts.fail + (event.type === 'test:fail' && counts.fail === 0 ? 1 : 0);
      yield `${JSON.stringify({ file: data.name, pass: counts.pass, fail, skip: counts.skip, ms: data.details?.duration_ms ?? 0 })}\n`;
      counts = { pass: 0, fail: 0, skip: 0 };
      continue;
    }
    if (data.details?.type === 'suite') continue;
    if (data.skip !== undefined || data.todo !== undefined) counts.skip++;
    else if (event.type === 'test:pass') counts.pass++;
    else counts.fail++;
  }
}
