// `npm run bench [-- --only NAME] [-- --quick | --long]`: runs every bench/*.bench.ts
// (NAME is the file name without .bench.ts) and prints one table of the rows
// they return. A bench module exports `run(options: BenchOptions)` returning
// BenchRow[] (or printing its own figures and returning nothing).
import { readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pinningNote } from './lib/procs.js';
import { formatTable, type BenchOptions, type BenchRow } from './lib/table.js';

type BenchModule = { run(options: BenchOptions): Promise<BenchRow[] | void> };

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
const options: BenchOptions = { quick: args.includes('--quick'), long: args.includes('--long') };
const here = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
if (only !== undefined && !names.includes(only)) {
  console.error(`bench: no bench named "${only}"; choose one of: ${names.join(', ')}`);
  process.exit(2);
}
const rows: BenchRow[] = [];
const started = new Date();
for (const name of names) {
  if (only !== undefined && name !== only) continue;
  console.error(`bench: ${name}${options.quick ? ' (quick)' : options.long ? ' (long)' : ''} …`);
  const mod = (await import(pathToFileURL(`${here}${name}.bench.ts`).href)) as BenchModule;
  const got = await mod.run(options);
  if (Array.isArray(got)) rows.push(...got);
}
if (rows.length > 0) {
  console.log(
    `\nrollcheck bench, ${started.toISOString()}, node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(1)} at the end`,
  );
  console.log(
    `${pinningNote()}; the machine is shared, so figures are noisy${options.quick ? '; --quick: short runs, not figures' : ''}\n`,
  );
  console.log(formatTable(rows));
}
