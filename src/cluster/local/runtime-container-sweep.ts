import type { ContainerCli } from './runtime-container-cli.js';

/**
 * removeContainers force-removes the named containers and, with `labelFilter`
 * ("key=value"), every container carrying that label. Killing goes straight to
 * SIGKILL: this is the cleanup path, after the graceful sequence or instead of it.
 */
export async function removeContainers(
  cli: ContainerCli,
  names: string[],
  labelFilter?: string,
): Promise<void> {
  const ids = new Set(names);
  if (labelFilter) for (const id of await listContainers(cli, labelFilter)) ids.add(id);
  if (ids.size === 0) return;
  await cli.run(['rm', '-f', ...(cli.engine === 'podman' ? ['-t', '0'] : []), ...ids], {
    timeoutMs: 60_000,
  });
}

/** listContainers lists the ids of every container (running or not) carrying label `filter` ("key=value" or "key"). */
export async function listContainers(cli: ContainerCli, filter: string): Promise<string[]> {
  const r = await cli.run(['ps', '-a', '-q', '--filter', `label=${filter}`], { timeoutMs: 30_000 });
  if (r.code !== 0) return [];
  return r.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * sweepOrphans removes containers left by rollcheck processes that died without
 * cleaning up (SIGKILL, power loss): their owner-pid label names a process that
 * no longer exists. Containers of live rollcheck runs are left alone.
 */
export async function sweepOrphans(cli: ContainerCli, ownerLabel: string): Promise<string[]> {
  const r = await cli.run(
    ['ps', '-a', '--filter', `label=${ownerLabel}`, '--format', `{{.ID}} {{.Labels}}`],
    {
      timeoutMs: 30_000,
    },
  );
  if (r.code !== 0) return [];
  const orphans: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const [id, ...rest] = line.trim().split(' ');
    const m = new RegExp(`${ownerLabel.replace(/\./g, '\\.')}[:=](\\d+)`).exec(rest.join(' '));
    if (!id || !m) continue;
    if (!processAlive(Number(m[1]))) orphans.push(id);
  }
  if (orphans.length > 0) await removeContainers(cli, orphans);
  return orphans;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
