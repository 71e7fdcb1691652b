// The arrival clock of the h2 accuracy bench (arrival-sniffer.py): HTTP/2
// requests to a port counted per epoch ms by the time the kernel passed their
// packets through the loopback device, whoever reads them and whenever. Root
// only (a packet socket); `sniffable` says whether it can run here.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./arrival-sniffer.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** ArrivalCounts are the requests the sniffer saw per epoch ms, and what may have escaped it. */
export interface ArrivalCounts {
  perMs: Array<[number, number]>;
  packets: number;
  /** gaps, drops, unseen: stream bytes not captured, packets the socket dropped, connections seen without their start; all 0 for a whole count. */
  gaps: number;
  drops: number;
  unseen: number;
  /** stampsUs is every request's stamp (µs since the epoch) in arrival order, when asked for. */
  stampsUs?: number[];
}

/** ArrivalSniffer is a running sniffer; stop ends it and returns its counts. */
export interface ArrivalSniffer {
  /** pid is the sniffer's process. */
  pid: number;
  stop(): Promise<ArrivalCounts>;
}

/** sniffable says why the sniffer cannot run here (not root, no python3), or undefined when it can. */
export function sniffable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root (a packet socket needs CAP_NET_RAW)';
  if (spawnSync(PYTHON, ['-c', '']).status !== 0) return `no ${PYTHON}`;
  return undefined;
}

/** startArrivalSniffer starts counting the requests sent to 127.0.0.1:`port` (resolves once it captures); `stamps` keeps each one's stamp too. */
export async function startArrivalSniffer(port: number, stamps = false): Promise<ArrivalSniffer> {
  const child = spawn(PYTHON, [SCRIPT, String(port), ...(stamps ? ['stamps'] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (out.startsWith('ready\n')) resolve();
    };
    child.stdout.on('data', check);
    void exited.then(([code]) => reject(new Error(`arrival sniffer exited with ${String(code)} before capturing`)));
  });
  return {
    pid: child.pid as number,
    async stop() {
      child.stdin.end();
      const [code] = (await exited) as [number | null];
      const line = out.split('\n')[1] ?? '';
      if (code !== 0 || line === '') throw new Error(`arrival sniffer exited with ${String(code)} and no counts`);
      return JSON.parse(line) as ArrivalCounts;
    },
  };
}
