// test-lane: slow: a real rollout of each real server
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnless } from '../tools.js';
import { CORPUS, runCorpusServer } from './servers.js';

// One rollout of each real HTTP/2 and gRPC server under `rollcheck local --protocol h2c|grpc`: the finding it must give, none that blames the
// wrong mechanism. `npm run corpus -- --runs 10` repeats them for the N-of-10 table.
for (const s of CORPUS.filter((x) => x.protocol !== undefined)) {
  test(`corpus: ${s.name} → ${s.expect}${s.mechanism ? ` (${s.mechanism})` : ''}`, { skip: s.tool ? skipUnless(s.tool) : false }, async () => {
    const r = await runCorpusServer(s);
    assert.ok(r.right, `${s.name}: ${r.why} (found ${r.findings.join(', ') || 'nothing'})`);
  });
}
