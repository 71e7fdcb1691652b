// The API test server's list and watch semantics, checked at the HTTP level as a
// client sees them: pages with limit/continue, 410 Gone as a Status (for a list
// continue and inside a watch), BOOKMARKs, and watches that end at timeoutSeconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startKubeApiServer } from './server.js';
import { createKubeStore } from './store.js';
import { createKubeModel } from './kube-model.js';
import { createFakeController } from './fake-controller.js';

async function world(t: { after(fn: () => unknown): void }) {
  const store = createKubeStore();
  createFakeController(createKubeModel({ store }), { exitCode: 0 }).seed();
  const server = await startKubeApiServer({ store, bookmarkMs: 100 });
  t.after(() => server.close());
  const get = (path: string) =>
    new Promise<{ code: number; text: string; ms: number }>((resolve, reject) => {
      const started = Date.now();
      const req = request(new URL(path, server.url), { ca: server.caPem, headers: { authorization: `Bearer ${server.token}` } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, text, ms: Date.now() - started }));
      });
      req.on('error', reject);
      req.end();
    });
  return { server, store, get };
}

const PODS = '/api/v1/namespaces/default/pods';

test('list pages with limit and continue; an expired continue is a 410 Status', async (t) => {
  const w = await world(t);
  const first = JSON.parse((await w.get(`${PODS}?limit=1`)).text) as { items: Array<{ metadata: { name: string } }>; metadata: { continue?: string; resourceVersion: string; remainingItemCount?: number } };
  assert.equal(first.items.length, 1);
  assert.ok(first.metadata.continue);
  assert.equal(first.metadata.remainingItemCount, 1);
  const second = JSON.parse((await w.get(`${PODS}?limit=1&continue=${encodeURIComponent(first.metadata.continue)}`)).text) as typeof first;
  assert.equal(second.items.length, 1);
  assert.notEqual(second.items[0]?.metadata.name, first.items[0]?.metadata.name);
  assert.equal(second.metadata.continue, undefined, 'the last page has no continue');
  assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion, 'pages are one consistent snapshot');
  w.store.put('services', { metadata: { name: 'bump', namespace: 'elsewhere' } });
  w.store.compact();
  const gone = await w.get(`${PODS}?limit=1&continue=${encodeURIComponent(first.metadata.continue)}`);
  assert.equal(gone.code, 410);
  assert.deepEqual((({ kind, status, reason, code }) => ({ kind, status, reason, code }))(JSON.parse(gone.text) as Record<string, unknown>), { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
});

test('a watch from a compacted resourceVersion gets an ERROR event holding a 410 Status, then the stream ends', async (t) => {
  const w = await world(t);
  const old = w.store.rv;
  w.store.put('services', { metadata: { name: 'bump', namespace: 'elsewhere' } });
  w.store.compact();
  const r = await w.get(`${PODS}?watch=true&resourceVersion=${old}`);
  assert.equal(r.code, 200);
  const lines = r.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { kind: string; code: number; reason: string } });
  assert.deepEqual(lines.map((l) => [l.type, l.object.kind, l.object.code, l.object.reason]), [['ERROR', 'Status', 410, 'Expired']]);
});

test('a watch ends cleanly at its timeoutSeconds, with BOOKMARKs on the way when asked', async (t) => {
  const w = await world(t);
  const list = JSON.parse((await w.get(PODS)).text) as { metadata: { resourceVersion: string } };
  const r = await w.get(`${PODS}?watch=true&resourceVersion=${list.metadata.resourceVersion}&allowWatchBookmarks=true&timeoutSeconds=1`);
  assert.equal(r.code, 200);
  assert.ok(r.ms >= 900 && r.ms < 5000, `ended after ${r.ms} ms`);
  const lines = r.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { kind: string; apiVersion: string; metadata: { resourceVersion: string } } });
  assert.ok(lines.length > 0 && lines.every((l) => l.type === 'BOOKMARK' && l.object.kind === 'Pod' && l.object.apiVersion === 'v1' && l.object.metadata.resourceVersion));
});
