// The lean client's frame writer on a real socket: a tick's frames go out in
// one write at its end, and a long tick (a catch-up batch) writes as it goes,
// so no frame waits more than a millisecond or so for the batch to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import { FrameWriter } from '../../src/traffic/h2/frame-writer.js';

// pair connects a client to a loopback server that keeps every byte it receives (`received()`).
async function pair(): Promise<{ client: net.Socket; received(): Buffer; close(): Promise<void> }> {
  const got: Buffer[] = [];
  const server = net.createServer((s) => s.on('data', (b: Buffer) => got.push(b)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  return {
    client,
    received: () => Buffer.concat(got),
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function queue(w: FrameWriter, byte: number): void {
  w.buf[w.reserve(1)] = byte;
}

test('frames queued in one short tick leave in one write at its end', async () => {
  const { client, close } = await pair();
  try {
    const w = new FrameWriter(client);
    w.ready = true;
    for (let i = 0; i < 10; i += 1) queue(w, i);
    assert.equal(client.bytesWritten, 0, 'nothing written inside the tick');
    await new Promise((r) => setImmediate(r));
    assert.equal(client.bytesWritten, 10);
  } finally {
    await close();
  }
});

test('a tick that runs long writes what waited past the hold as it goes', async () => {
  const { client, close } = await pair();
  try {
    const w = new FrameWriter(client);
    w.ready = true;
    queue(w, 1);
    const until = performance.now() + 3;
    while (performance.now() < until); // the rest of a long batch
    queue(w, 2);
    assert.equal(client.bytesWritten, 1, 'the frame that waited 3 ms went before the next was queued');
    await new Promise((r) => setImmediate(r));
    assert.equal(client.bytesWritten, 2);
  } finally {
    await close();
  }
});

test('a frame put when the buffer must grow lands in the grown buffer: the bytes on the wire are the frames queued', async () => {
  const { client, received, close } = await pair();
  try {
    const w = new FrameWriter(client);
    w.ready = true;
    const first = Buffer.alloc(w.buf.length - 5, 0x61);
    const second = Buffer.from('frame that does not fit');
    w.put(first);
    w.put(second);
    await new Promise((r) => setImmediate(r));
    const want = Buffer.concat([first, second]);
    for (let i = 0; i < 100 && received().length < want.length; i += 1) await new Promise((r) => setTimeout(r, 10));
    assert.ok(received().equals(want), 'the second frame arrived intact after the first');
  } finally {
    await close();
  }
});
