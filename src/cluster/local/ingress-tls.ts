import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';

/** IngressTlsFiles are the certificates an --ingress-tls run makes: a CA for the run and a server certificate it signed. */
export interface IngressTlsFiles {
  caCertPath: string;
  caPem: string;
  certPath: string;
  keyPath: string;
}

/**
 * makeIngressTls makes, with openssl, a CA that lives for this run only and a
 * certificate for `localhost` and 127.0.0.1 signed by it, in `dir`. Clients
 * trust the CA (never the system store's), as with a staging ingress behind an
 * internal CA.
 */
export function makeIngressTls(dir: string): IngressTlsFiles {
  const caKey = join(dir, 'ca.key');
  const caCertPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ingress.key');
  const csr = join(dir, 'ingress.csr');
  const certPath = join(dir, 'ingress.crt');
  const ext = join(dir, 'ingress.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  try {
    openssl(['req', '-x509', ...ec, '-keyout', caKey, '-out', caCertPath, '-days', '2', '-subj', '/CN=rollcheck run CA']);
    openssl(['req', ...ec, '-keyout', keyPath, '-out', csr, '-subj', '/CN=localhost']);
    openssl(['x509', '-req', '-in', csr, '-CA', caCertPath, '-CAkey', caKey, '-CAcreateserial', '-out', certPath, '-days', '2', '-extfile', ext]);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new UsageError('--ingress-tls needs openssl to make a CA for the run: apt-get install openssl');
    throw new UsageError(`--ingress-tls: openssl could not make the run's CA (${String(err.stderr ?? err.message).trim().split('\n')[0]})`);
  }
  return { caCertPath, caPem: readFileSync(caCertPath, 'utf8'), certPath, keyPath };
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
}
