// HTTPS front doors: a self-signed certificate is one line and exit 2 before any
// traffic; --ca-cert (with --resolve for a name the certificate holds) or
// --insecure make a clean run. Real TLS: openssl makes the certificate, node:https serves it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { loadResults } from '../../src/results/io.js';
import { createTestIo } from '../helpers.js';
import { skipUnless } from '../tools.js';
import { judgeExit } from '../helpers/traffic-command.js';

interface TlsServer {
  port: number;
  requests: number;
  handshakes: number;
  hosts: Set<string>;
  /** sni: the server names clients sent in their TLS hello. */
  sni: Set<string>;
  dir: string;
  certPath: string;
  close(): Promise<void>;
}

/** startTlsServer serves HTTPS on 127.0.0.1 with a self-signed certificate for shop.test and 127.0.0.1 only. */
async function startTlsServer(): Promise<TlsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-tls-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '1', '-subj', '/CN=shop.test', '-addext', 'subjectAltName=DNS:shop.test,IP:127.0.0.1'], { stdio: 'ignore' });
  const state = { requests: 0, handshakes: 0, hosts: new Set<string>(), sni: new Set<string>() };
  const server: Server = createServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, (req, res) => {
    state.requests += 1;
    state.hosts.add(req.headers.host ?? '');
    req.resume();
    res.end('ok\n');
  });
  server.on('secureConnection', (socket: { servername?: string | false }) => {
    state.handshakes += 1;
    if (typeof socket.servername === 'string') state.sni.add(socket.servername);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    get requests() { return state.requests; },
    get handshakes() { return state.handshakes; },
    hosts: state.hosts,
    sni: state.sni,
    dir,
    certPath,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      });
    }),
  };
}

const LOAD = ['-r', '50', '-d', '500ms', '--warmup', '0', '--out', 'run.json'];

test('rollcheck load at a self-signed HTTPS server: one line naming --ca-cert and --insecure, exit 2, no request sent', { skip: skipUnless('openssl') }, async (t) => {
  const server = await startTlsServer();
  t.after(() => server.close());
  const io = createTestIo({ cwd: server.dir });
  const code = await runCli(['load', `https://127.0.0.1:${server.port}/`, ...LOAD], io);
  assert.equal(code, 2);
  const lines = io.err().trim().split('\n');
  assert.equal(lines.length, 1, io.err());
  assert.match(lines[0] ?? '', /certificate signed by an unknown authority \(DEPTH_ZERO_SELF_SIGNED_CERT\); pass --ca-cert FILE .* or --insecure/);
  assert.equal(server.requests, 0, 'nothing may reach the server');
});

test('rollcheck load with --ca-cert: a clean run; with --resolve the name the certificate holds is sent as SNI and Host', { skip: skipUnless('openssl') }, async (t) => {
  const server = await startTlsServer();
  t.after(() => server.close());
  const io = createTestIo({ cwd: server.dir });
  // Each run a pass, or inconclusive only because a busy machine held the generator back (judgeExit).
  const code = await runCli(['load', `https://127.0.0.1:${server.port}/`, '--ca-cert', server.certPath, ...LOAD], io);
  const r = loadResults(join(server.dir, 'run.json'));
  judgeExit(code, r, [0], io.err());
  assert.equal(r.totals.failed, 0);
  assert.ok(r.totals.ok >= 20);
  assert.equal(r.meta.params.tls && (r.meta.params.tls as { caCert: string }).caCert, server.certPath, 'the CA path is kept, never its content');

  const io2 = createTestIo({ cwd: server.dir });
  const url = `https://shop.test:${server.port}/`;
  const code2 = await runCli(['load', url, '--ca-cert', server.certPath, '--resolve', `shop.test:${server.port}:127.0.0.1`, ...LOAD], io2);
  const r2 = loadResults(join(server.dir, 'run.json'));
  judgeExit(code2, r2, [0], io2.err());
  assert.equal(r2.totals.failed, 0);
  assert.ok(server.hosts.has(`shop.test:${server.port}`), [...server.hosts].join(', '));
  assert.deepEqual([...server.sni], ['shop.test'], 'SNI names the host, not the address dialled');
});

test('rollcheck load: a name the certificate does not hold is one line and exit 2; --insecure runs clean', { skip: skipUnless('openssl') }, async (t) => {
  const server = await startTlsServer();
  t.after(() => server.close());
  const io = createTestIo({ cwd: server.dir });
  const code = await runCli(['load', `https://localhost:${server.port}/`, '--ca-cert', server.certPath, ...LOAD], io);
  assert.equal(code, 2);
  assert.match(io.err().trim(), /^rollcheck: https:\/\/localhost:\d+\/: the certificate does not name this host .*--resolve NAME:PORT:ADDR.*--insecure$/);
  const before = server.requests;
  assert.equal(before, 0);
  const io2 = createTestIo({ cwd: server.dir });
  const code2 = await runCli(['load', `https://127.0.0.1:${server.port}/`, '--insecure', ...LOAD], io2);
  const r2 = loadResults(join(server.dir, 'run.json'));
  judgeExit(code2, r2, [0], io2.err());
  assert.equal(r2.totals.failed, 0);
});

test('--resolve, --mix and --ca-cert: bad input is one line and exit 2', async () => {
  for (const [args, re] of [
    [['--resolve', 'shop.test:443'], /--resolve: cannot read "shop.test:443"; use HOST:PORT:ADDR/],
    [['--mix', 'GET=80,FETCH'], /--mix: cannot read "FETCH"/],
    [['--ca-cert', '/nonexistent/ca.pem'], /--ca-cert: cannot read \/nonexistent\/ca.pem \(ENOENT\)/],
    [['--ca-cert', '/etc/hostname', '--insecure'], /--ca-cert and --insecure: give only one of them/],
  ] as Array<[string[], RegExp]>) {
    const io = createTestIo();
    assert.equal(await runCli(['load', 'https://127.0.0.1:9/', ...args], io), 2, args.join(' '));
    assert.match(io.err().trim(), re);
    assert.equal(io.err().trim().split('\n').length, 1);
  }
});
