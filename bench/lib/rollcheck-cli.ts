// rollcheck's CLI from source, for the benchmark's child processes.
import { main } from '../../src/cli/main.js';

await main();
