// The analysis reads each outcome kind's traits (OUTCOME_TRAITS), not a list of
// kinds: for every kind, a failure of it on a pod shutting down is a shutdown
// race exactly when its layer is the transport (a stream the server never
// processed is the GOAWAY's race, the HTTP/2 form of it), and a retrying client
// hides it on a reused connection exactly when it is a cut (a standard HTTP/2
// client, when it was never processed). A new kind is checked by its traits
// without touching this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import { FAILURE_KINDS, OUTCOME_TRAITS } from '../../src/results/types.js';
import { fail, gracefulPodEvents, makeResults } from './fixtures.js';

// web-a terminates at 5 s, gets SIGTERM at once and exits 200 ms later, still routed until 6 s.
const events = gracefulPodEvents('web-a', 5000);

function causesOf(kind: (typeof FAILURE_KINDS)[number], reused: boolean): Array<string | undefined> {
  const failures = [5050, 5060, 5070].map((atMs) => fail(atMs, kind, { pod: 'web-a', reused, status: kind.startsWith('http') ? 500 : undefined }));
  const a = analyze(makeResults({ failures, events }), {});
  return a.attributions.map((x) => x.cause);
}

test('a failure on a terminating pod is a shutdown race exactly when its kind is a transport failure', () => {
  for (const kind of FAILURE_KINDS) {
    const transport = OUTCOME_TRAITS[kind].layer === 'transport';
    const race = OUTCOME_TRAITS[kind].neverProcessed ? 'goaway-race' : 'no-prestop-drain';
    const causes = causesOf(kind, false);
    assert.deepEqual(causes, transport ? [race, race, race] : [undefined, undefined, undefined], kind);
  }
});

test('a retrying client hides a failure on a reused connection exactly when its kind is a cut', () => {
  for (const kind of FAILURE_KINDS) {
    const t = OUTCOME_TRAITS[kind];
    const failures = [5050, 5060].map((atMs) => fail(atMs, kind, { pod: 'web-a', reused: true }));
    const a = analyze(makeResults({ failures, events }), {});
    const finding = a.findings.find((f) => f.id === (t.neverProcessed ? 'goaway-race' : 'keepalive-reset'));
    if (t.layer !== 'transport') {
      assert.equal(finding, undefined, kind);
      continue;
    }
    assert.equal(finding?.data?.hiddenByRetry, t.cut || t.neverProcessed ? 2 : 0, kind);
  }
});

test('a cut is always a transport failure', () => {
  for (const kind of FAILURE_KINDS) if (OUTCOME_TRAITS[kind].cut) assert.equal(OUTCOME_TRAITS[kind].layer, 'transport', kind);
});
