// Preloaded (`--import`) into each test file's process by scripts/run-tests.mjs: when
// that process exits it writes the CPU seconds it and every process it waited for used
// (the servers and CLIs the tests started) to the file
// named by ROLLCHECK_TEST_CPU_OUT. On 2 shared cores, CPU time is the figure that
// other load disturbs least: the runner prints it beside each file's wall time.
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.ROLLCHECK_TEST_CPU_OUT;
// Only the test file's own process writes: the processes and threads it starts do not inherit the name.
delete process.env.ROLLCHECK_TEST_CPU_OUT;

// /proc/<pid>/stat counts in USER_HZ, which Linux fixes at 100 for user space.
const TICKS_PER_S = 100;

/** cpuSeconds reads utime + stime + cutime + cstime of this process from /proc/self/stat. */
function cpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces), from field 3 (state) on.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / TICKS_PER_S;
}

if (out) {
  process.on('exit', () => {
    try {
      writeFileSync(out, String(cpuSeconds()));
    } catch {
      // No /proc (not Linux): the runner then prints no CPU figure.
    }
  });
}
