// Test certificates: a throwaway CA and a server certificate for 127.0.0.1,
// made with the system's openssl at test time (nothing secret is checked in).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** TestCerts is a CA and a server key pair signed by it, as PEM strings. */
export interface TestCerts {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** A client certificate (CN rollcheck-user) signed by the same CA, for mTLS kubeconfigs. */
  clientCertPem: string;
  clientKeyPem: string;
}

/** makeTestCerts creates a fresh CA and a 127.0.0.1/localhost server certificate; it needs `openssl`. */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-kube-certs-'));
  const run = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  // P-256 keys, as a cluster's own CA may use: an RSA 2048 key took openssl ~0.2 s of CPU, three of them
  // per sandbox (~20 s of CPU over the suite); an EC key takes a few milliseconds.
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=rollcheck-test-ca']);
    run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
    run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf']);
    run(['req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/O=system:masters/CN=rollcheck-user']);
    writeFileSync(join(dir, 'client.cnf'), 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
    run(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '2', '-extfile', 'client.cnf']);
    return {
      clientCertPem: readFileSync(join(dir, 'client.crt'), 'utf8'),
      clientKeyPem: readFileSync(join(dir, 'client.key'), 'utf8'),
      caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
      certPem: readFileSync(join(dir, 'server.crt'), 'utf8'),
      keyPem: readFileSync(join(dir, 'server.key'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
