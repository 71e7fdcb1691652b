// A batch of quick test files in one node process (scripts/run-tests.mjs): each quick
// file alone paid a node start and its own load of src/ (~0.5 s of CPU of its ~0.8 s);
// in a batch the modules load once. Each file runs as a suite named after it, one after
// another, so its top-level before/after hooks stay its own and its report says which
// file each test belongs to (scripts/test-batch-reporter.mjs counts them by file).
// Every file of the batch is loaded before the first test runs: loading one (a second of
// module evaluation, say) beside a running test would hold up that test's event loop.
//
//   node [reporters] scripts/test-batch.mjs <name> <path> [<name> <path> …]
import { describe } from 'node:test';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const loads = [];
let allLoaded;
for (let i = 0; i + 1 < args.length; i += 2) {
  const [name, path] = [args[i], args[i + 1]];
  describe(name, async () => {
    // The import first, with nothing awaited before it: node:test files the tests a module
    // declares as it loads under this suite only while the suite's own callback runs.
    const load = import(pathToFileURL(path).href);
    loads.push(load);
    await load;
    await allLoaded;
  });
}
// Each suite's callback ran as it was declared: every import has started.
allLoaded = Promise.allSettled(loads);
