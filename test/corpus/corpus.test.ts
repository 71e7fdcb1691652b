// test-lane: slow: a real rollout of each real server
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnless } from '../tools.js';
import { CORPUS, runCorpusServer } from './servers.js';

// One rollout of each real server under `rollcheck local`: the finding it must give, none that blames the
// wrong mechanism. `npm run corpus -- --runs 10` repeats them for the N-of-10 table.
// The HTTP/2 and gRPC servers are in corpus-h2.test.ts (one file's run stays under the runner's 180 s).
for (const s of CORPUS.filter((x) => x.protocol === undefined)) {
  test(`corpus: ${s.name} → ${s.expect}${s.mechanism ? ` (${s.mechanism})` : ''}`, { skip: s.tool ? skipUnless(s.tool) : false }, async () => {
    const r = await runCorpusServer(s);
    assert.ok(r.right, `${s.name}: ${r.why} (found ${r.findings.join(', ') || 'nothing'})`);
  });
}
