// Test images built offline: a rootfs folder the test fills, turned into an image
// with `podman import` (no registry can be reached here). Every image and container
// a test makes carries the test's name prefix, and `removeAll` deletes them.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { prepareContainersConf } from '../../src/cluster/local/runtime-container-conf.js';
import { findExecutable } from '../../src/cluster/local/runtime-container-cli.js';
import { skipUnless, whichTool } from '../tools.js';

const REPO = resolve(import.meta.dirname, '../..');

/** podmanSkipReason is why container tests cannot run here, or undefined when they can. */
export function podmanSkipReason(): string | undefined {
  return skipUnless('podman', 'busybox') || undefined;
}

/** TestImages builds and removes this test file's images; every name starts with `prefix`. */
export interface TestImages {
  prefix: string;
  /** env is process.env plus CONTAINERS_CONF (the generated config unless one is set). */
  env: Record<string, string>;
  dir: string;
  podman(args: string[]): string;
  /** busybox builds a shell + httpd image serving `/www` on `port`; `cmd` overrides its CMD. */
  busybox(
    tag: string,
    options?: { cmd?: string[]; port?: number; files?: Record<string, string> },
  ): string;
  /** demo builds the demo app image (host node + its libraries + manifests/demo) with `cmd`. */
  demo(tag: string, cmd: string[]): string;
  /** removeAll removes every container and image whose name starts with the prefix. */
  removeAll(): void;
}

/** createTestImages prepares a temp dir and the podman environment for one test file. */
export function createTestImages(name: string): TestImages {
  const dir = mkdtempSync(join(tmpdir(), `rollcheck-${name}-`));
  const prefix = `rollcheck-test-${name}-${process.pid}`;
  const { env } = prepareContainersConf({ env: process.env, dir });
  const podman = (args: string[]): string =>
    execFileSync('podman', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const made: string[] = [];

  const importTar = (tar: string, tag: string, changes: string[]): string => {
    const image = `localhost/${prefix}-${tag}:test`;
    podman(['import', ...changes.flatMap((c) => ['--change', c]), tar, image]);
    made.push(image);
    return image;
  };
  const importRootfs = (rootfs: string, tag: string, changes: string[]): string => {
    const tar = `${rootfs}.tar`;
    execFileSync('tar', ['-C', rootfs, '-cf', tar, '.']);
    const image = importTar(tar, tag, changes);
    rmSync(tar, { force: true });
    return image;
  };
  // The demo rootfs (node and its libraries, ~100 MB) is packed once per file; images differ only in CMD.
  let demoTar: string | undefined;
  const demoRootfsTar = (): string => {
    if (demoTar) return demoTar;
    const rootfs = join(dir, 'rootfs-demo');
    addBusybox(rootfs);
    for (const bin of ['node', 'tini']) {
      const path = findExecutable(bin, process.env.PATH);
      if (path) addBinary(rootfs, path, `/usr/bin/${bin}`);
    }
    cpSync(join(REPO, 'manifests', 'demo'), join(rootfs, 'app'), { recursive: true });
    demoTar = `${rootfs}.tar`;
    execFileSync('tar', ['-C', rootfs, '-cf', demoTar, '.']);
    rmSync(rootfs, { recursive: true, force: true });
    return demoTar;
  };

  return {
    prefix,
    env,
    dir,
    podman,
    busybox(tag, options = {}) {
      const rootfs = join(dir, `rootfs-${tag}`);
      addBusybox(rootfs);
      mkdirSync(join(rootfs, 'www'), { recursive: true });
      writeFileSync(join(rootfs, 'www', 'index.html'), 'hello from busybox\n');
      for (const [path, text] of Object.entries(options.files ?? {})) {
        mkdirSync(dirname(join(rootfs, path)), { recursive: true });
        writeFileSync(join(rootfs, path), text);
        chmodSync(join(rootfs, path), 0o755);
      }
      const port = options.port ?? 8080;
      const cmd = options.cmd ?? ['/bin/httpd', '-f', '-p', String(port), '-h', '/www'];
      return importRootfs(rootfs, tag, [`CMD ${JSON.stringify(cmd)}`, `EXPOSE ${port}`]);
    },
    demo(tag, cmd) {
      return importTar(demoRootfsTar(), tag, [
        `CMD ${JSON.stringify(cmd)}`,
        'EXPOSE 8080',
        'ENV PATH=/usr/bin:/bin',
      ]);
    },
    removeAll() {
      const ids = spawnSync('podman', ['ps', '-a', '-q', '--filter', `name=${prefix}`], {
        env,
        encoding: 'utf8',
      }).stdout.trim();
      if (ids) spawnSync('podman', ['rm', '-f', '-t', '0', ...ids.split('\n')], { env });
      for (const image of made) spawnSync('podman', ['rmi', '-f', image], { env });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function addBusybox(rootfs: string): void {
  // Tests that build images skip without busybox (podmanSkipReason), so it is here.
  const busybox = whichTool('busybox');
  if (!busybox) throw new Error('busybox-static is not installed: apt-get install busybox-static');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  mkdirSync(join(rootfs, 'tmp'), { recursive: true });
  cpSync(busybox, join(rootfs, 'bin', 'busybox'));
  const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const applet of applets) {
    if (applet === 'busybox' || applet.includes('/')) continue;
    symlinkSync('busybox', join(rootfs, 'bin', applet));
  }
}

/** addBinary copies a dynamically linked binary and every library `ldd` lists for it. */
function addBinary(rootfs: string, hostPath: string, inImage: string): void {
  mkdirSync(join(rootfs, dirname(inImage)), { recursive: true });
  cpSync(hostPath, join(rootfs, inImage), { dereference: true });
  const ldd = spawnSync('ldd', [hostPath], { encoding: 'utf8' }).stdout;
  for (const lib of ldd.match(/\/[^\s)]+/g) ?? []) {
    const target = join(rootfs, lib);
    if (existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    cpSync(lib, target, { dereference: true });
  }
}

/** listLeftovers lists containers still carrying `label` (for leak assertions). */
export function listLeftovers(env: Record<string, string>, label: string): string[] {
  const out = spawnSync('podman', ['ps', '-a', '-q', '--filter', `label=${label}`], {
    env,
    encoding: 'utf8',
  }).stdout;
  return out.split('\n').filter(Boolean);
}
