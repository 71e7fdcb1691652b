// Optional system tools for tests: a test that needs one skips with the Debian
// package to install, except under ROLLCHECK_TEST_STRICT=1 (set by .ci/run),
// where a missing tool fails the run so that CI never skips silently.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findExecutable } from '../src/cluster/local/runtime-container-cli.js';

/** TOOL_PACKAGES maps each optional tool the tests use to the Debian package that installs it. */
export const TOOL_PACKAGES = {
  tini: 'tini',
  podman: 'podman runc',
  busybox: 'busybox-static',
  chromium: 'chromium',
  tmux: 'tmux',
  nginx: 'nginx-light',
  haproxy: 'haproxy',
  kubectl: 'kubernetes-client',
  python3: 'python3',
  gunicorn: 'gunicorn',
  uvicorn: 'python3-uvicorn',
  caddy: 'caddy',
  openssl: 'openssl',
  wrk: 'wrk',
  prometheus: 'prometheus',
  xmllint: 'libxml2-utils',
  nghttpd: 'nghttp2-server',
  h2load: 'nghttp2-client',
  h2o: 'h2o',
  hypercorn: 'python3-hypercorn',
  grpcio: 'python3-grpcio',
} as const;

/** Tool is an optional system tool the tests know how to install. */
export type Tool = keyof typeof TOOL_PACKAGES;

// Tools that are not an executable of their own: how to tell they are there.
const PRESENT: Partial<Record<Tool, () => boolean>> = {
  // Debian's python3-uvicorn is a module of the system python3, with no uvicorn executable.
  uvicorn: () => spawnSync('/usr/bin/python3', ['-c', 'import uvicorn'], { stdio: 'ignore' }).status === 0,
  // Debian's python3-grpcio is a module of the system python3 too.
  grpcio: () => spawnSync('/usr/bin/python3', ['-c', 'import grpc'], { stdio: 'ignore' }).status === 0,
};

/** whichTool finds `name` on PATH (never at a hard-coded path), or undefined. */
export function whichTool(name: string, path = process.env.PATH): string | undefined {
  return findExecutable(name, path) ?? undefined;
}

/** hasTool tells whether a tool is there: on PATH, or (uvicorn) importable by the system python3. */
export function hasTool(t: Tool): boolean {
  return PRESENT[t]?.() ?? whichTool(t) !== undefined;
}

/** isStrict tells whether missing tools must fail the run (CI) instead of skipping. */
export function isStrict(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ROLLCHECK_TEST_STRICT === '1';
}

/**
 * skipUnless is a node:test `skip` option: false when every tool is on PATH,
 * else the reason naming the packages to install. Under ROLLCHECK_TEST_STRICT=1
 * a missing tool throws instead, at module load, so the whole file fails loudly.
 */
export function skipUnless(...tools: Tool[]): string | false {
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length === 0) return false;
  const packages = [...new Set(missing.map((t) => TOOL_PACKAGES[t]))].join(' ');
  const reason = `needs ${missing.join(', ')}: apt-get install ${packages}`;
  if (isStrict()) throw new Error(`ROLLCHECK_TEST_STRICT=1 and a test ${reason}`);
  return reason;
}

/**
 * skipUnlessBuilt is a node:test `skip` option for tests that run the built CLI (bin/rollcheck, npm pack):
 * false when dist/ is there, else the reason; under ROLLCHECK_TEST_STRICT=1 a missing dist throws.
 */
export function skipUnlessBuilt(): string | false {
  if (existsSync(new URL('../dist/cli/main.js', import.meta.url))) return false;
  const reason = 'needs the built dist: npm run build';
  if (isStrict()) throw new Error(`ROLLCHECK_TEST_STRICT=1 and a test ${reason}`);
  return reason;
}
