// Runs the CLI from this module. `rollcheck runner` (the children of `--runners N`,
// and the pods of the runner Job) loads only what it needs: many start at once.
const args = process.argv.slice(2);
if (args[0] === 'runner') {
  const { runnerMain } = await import('./runner-main.js');
  await runnerMain(args);
} else {
  const { main } = await import('./main.js');
  await main(args);
}
