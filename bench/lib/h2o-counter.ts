// h2o (C, h2c prior knowledge) as the server of the h2 accuracy bench: one
// worker thread pinned to the server core, logging each request's time
// (`%{usec}t`, µs since the epoch; h2o 2.2 also knows %{msec}t and %{sec}t
// with %{msec_frac}t) to an access log in its own temp dir, counted per epoch
// ms (the µs floored, as Date.now() floors). That time is h2o's event-loop
// clock when its worker processed the request, not when the request reached
// its socket: when the shared machine keeps h2o off its core at a window's
// end, the requests that arrived then are logged in the next window (runs here
// showed one window short and the next long by as much, h2o waiting on a run
// queue, while the socket's count by the kernel's stamps was steady). So the
// bench judges by the socket (arrival-sniffer.ts) and keeps this log as a
// second view, and the fallback where the sniffer cannot run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startH2o } from '../../test/traffic/h2-real.js';
import { pinServer, sleep, type BenchServer, type ServerStats } from './procs.js';

/** h2oVersion is the installed h2o's version line ("h2o version 2.2.5"), or undefined when h2o is missing. */
export function h2oVersion(): string | undefined {
  const r = spawnSync('h2o', ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) return undefined;
  return /^h2o version \S+/.exec(r.stdout)?.[0];
}

/** perMsFromLog counts access-log lines (one µs epoch timestamp each) per epoch ms and per 100 ms window. */
export function perMsFromLog(text: string): ServerStats {
  const windows = new Map<number, number>();
  const perMs = new Map<number, number>();
  let requests = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const us = Number(line);
    if (!Number.isFinite(us)) throw new Error(`h2o access log: not a µs timestamp: ${JSON.stringify(line.slice(0, 80))}`);
    const ms = Math.floor(us / 1000);
    const w = Math.floor(ms / 100);
    windows.set(w, (windows.get(w) ?? 0) + 1);
    perMs.set(ms, (perMs.get(ms) ?? 0) + 1);
    requests += 1;
  }
  return { windows: [...windows.entries()], perMs: [...perMs.entries()], answered: requests, requests };
}

/** startH2oCounter starts h2o (test/traffic/h2-real.ts's startH2o) logging arrivals, pinned to the server core. */
export async function startH2oCounter(): Promise<BenchServer> {
  const logDir = mkdtempSync(join(tmpdir(), 'rollcheck-h2o-log-'));
  const log = join(logDir, 'access.log');
  try {
    const s = await pinServer(await startH2o(['num-threads: 1', `access-log:\n  path: ${log}\n  format: "%{usec}t"`]));
    return {
      url: `http://127.0.0.1:${s.port}/`,
      port: s.port,
      child: s.child,
      async stats() {
        await sleep(100); // h2o writes each line as the request is logged; a margin for the last ones
        return perMsFromLog(readFileSync(log, 'latin1'));
      },
      async stop() {
        await s.close();
        rmSync(logDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(logDir, { recursive: true, force: true });
    throw err;
  }
}
