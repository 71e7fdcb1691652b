import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capacityWarning, measuresCapacity } from '../../src/traffic/capacity.js';
import { probe } from '../../src/traffic/probe.js';
import { answer, settingsFor, startServer } from './harness.js';

test('capacity: the rate against what the measured CPU per request lets the cores send, naming the workers or runners it needs', () => {
  // 200 µs a request in the probe: the engine about 40 000/s a core, 32 000/s with room for its timers.
  const cases: Array<{ rate: number; workers?: number; cores: number; runners?: number; want: RegExp | null }> = [
    { rate: 10_000, cores: 1, want: null },
    { rate: 32_000, cores: 2, want: null },
    { rate: 60_000, cores: 2, want: /--rate 60,000 asks more than one core can send: .*200 µs of CPU per request.* Use --workers 2 \(this machine has 2 cores\)/ },
    { rate: 60_000, workers: 2, cores: 2, want: null },
    { rate: 60_000, cores: 1, want: /more than this machine's one core can send \(about 32,000\/s\).* 2 runners on machines of their own/ },
    { rate: 100_000, runners: 2, cores: 2, want: /more than this machine's 2 cores can send.*rollcheck run --runners 4/ },
    { rate: 60_000, runners: 1, cores: 4, want: /asks more than one core can send.*Use --runners 2/ },
  ];
  for (const c of cases) {
    const text = capacityWarning({ settings: settingsFor({ ratePerSec: c.rate, workers: c.workers ?? 1 }), cpuUsPerRequest: 200, cores: c.cores, runners: c.runners ?? 0 });
    if (c.want === null) assert.equal(text, null, JSON.stringify(c));
    else assert.match(text ?? '', c.want, JSON.stringify(c));
  }
  assert.equal(capacityWarning({ settings: settingsFor({ ratePerSec: 1e6 }), cpuUsPerRequest: 0, cores: 1, runners: 0 }), null, 'no measure, no claim');
  assert.equal(measuresCapacity(settingsFor({ ratePerSec: 500 }), 0), false, 'a low rate keeps the probe short');
  assert.equal(measuresCapacity(settingsFor({ ratePerSec: 6000, workers: 2 }), 0), true);
  assert.equal(measuresCapacity(settingsFor({ ratePerSec: 6000 }), 4), false);
});

test('the probe measures the client CPU per request only when asked', async () => {
  const server = await startServer((_n, _req, res, counts) => answer(res, counts));
  try {
    const plain = await probe(server.url, settingsFor());
    assert.ok(plain.answered && plain.cpuUsPerRequest === undefined);
    const measured = await probe(server.url, settingsFor(), { measureCpu: true });
    assert.ok(measured.answered, 'answered');
    // On a loaded machine the burst may not fit its time budget: then there is no figure, never a made-up one.
    if (measured.cpuUsPerRequest !== undefined) assert.ok(measured.cpuUsPerRequest > 0);
    assert.ok(server.counts.requests >= 5, 'the burst went to the server');
  } finally {
    await server.close();
  }
});
