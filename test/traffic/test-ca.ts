// A CA made by the test with openssl, and a server certificate it signed for
// one name (and 127.0.0.1): the HTTPS front doors of the traffic tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** TestCa is a CA's certificate and a server key and certificate it signed (PEM). */
export interface TestCa {
  caPem: string;
  key: string;
  cert: string;
}

/** makeTestCa makes a CA and a certificate for `name` and 127.0.0.1; nothing stays on disk. */
export function makeTestCa(name: string): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-ca-'));
  const p = (f: string): string => join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const openssl = (args: string[]): void =>
    void execFileSync('openssl', args, { stdio: 'ignore', timeout: 20_000 });
  try {
    writeFileSync(p('ext'), `subjectAltName=DNS:${name},IP:127.0.0.1\nbasicConstraints=CA:FALSE\n`);
    openssl(['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '1', '-subj', '/CN=rollcheck test CA']);
    openssl(['req', ...ec, '-keyout', p('key'), '-out', p('csr'), '-subj', `/CN=${name}`]);
    openssl(['x509', '-req', '-in', p('csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('crt'), '-days', '1', '-extfile', p('ext')]);
    return { caPem: readFileSync(p('ca.crt'), 'utf8'), key: readFileSync(p('key'), 'utf8'), cert: readFileSync(p('crt'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
