// Runs the CLI from this module (the runner children of `--runners N` start here, from source or dist).
import { main } from './main.js';

await main();
