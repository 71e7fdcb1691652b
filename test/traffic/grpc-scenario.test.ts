// test-lane: slow: a scenario run over gRPC
// A scenario's traffic speaks HTTP/2 and gRPC with the flags' keys: protocol,
// grpc-method, grpc-data, proto and grpc-metadata (a map, as headers is).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/scenario/index.js';
import { frameMessage } from '../../src/traffic/grpc/grpc-frame.js';
import { encodeHealthCheckRequest } from '../../src/grpc-health.js';

test('scenario traffic: gRPC keys in any order, metadata as a map; a gRPC key without protocol grpc points at its line', () => {
  const text =
    'target: {kube: {deployment: web, url: "http://shop.example:50051/"}}\n' +
    'traffic:\n  grpc-data: \'{"service": "cart"}\'\n  grpc-metadata: {tenant: blue}\n  protocol: grpc\n' +
    'steps: [{rollout: restart}]\n';
  const t = parseScenario('f.yaml', text, '/').traffic;
  assert.equal(t.protocol, 'grpc');
  assert.deepEqual(t.mix, [{ method: 'POST', path: '/grpc.health.v1.Health/Check', weight: 1 }]);
  assert.deepEqual(t.headers, [['content-type', 'application/grpc'], ['te', 'trailers'], ['tenant', 'blue']]);
  assert.deepEqual(Buffer.from(t.body ?? []), frameMessage(encodeHealthCheckRequest('cart')));
  assert.throws(
    () => parseScenario('f.yaml', 'target: {local: {}}\ntraffic:\n  protocol: h2c\n  grpc-method: a.B/C\nsteps: [{wait: 1s}]\n', '/'),
    /f\.yaml:4: traffic\.grpc-method: --grpc-method needs --protocol grpc/,
  );
  assert.equal(parseScenario('f.yaml', 'target: {local: {}}\ntraffic:\n  protocol: h2c\nsteps: [{wait: 1s}]\n', '/').traffic.protocol, 'h2c');
});
