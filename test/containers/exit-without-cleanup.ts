// Fixture process for the crash-cleanup test: starts one container with the
// podman runtime, prints its id, then exits without calling cleanupAll (as a
// crash or a second Ctrl-C would). argv: image, run id, log path.
import { createContainerRuntime } from '../../src/cluster/local/runtime-podman.js';

const [image, runId, logPath] = process.argv.slice(2);
if (!image || !runId || !logPath)
  throw new Error('usage: exit-without-cleanup IMAGE RUN_ID LOG_PATH');
const env: Record<string, string | undefined> = { ...process.env };
const runtime = createContainerRuntime({ engine: 'podman', image, runId, env });
await runtime.start({ name: 'crash-pod', revision: 'r1', hostIp: '127.0.0.1', env: {}, logPath });
process.stdout.write('started\n');
process.exit(7);
