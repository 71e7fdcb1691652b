import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fifo } from '../../src/traffic/fifo.js';

test('Fifo keeps order across compaction', () => {
  const q = new Fifo<number>();
  const out: number[] = [];
  for (let i = 0; i < 5000; i += 1) {
    q.push(i);
    if (i % 3 === 0) out.push(q.shift() as number);
  }
  while (q.length > 0) out.push(q.shift() as number);
  assert.deepEqual(
    out,
    Array.from({ length: 5000 }, (_, i) => i),
  );
  assert.equal(q.shift(), undefined);
  assert.equal(q.peek(), undefined);
});
