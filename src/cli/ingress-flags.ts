import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseDurationMs } from '../parse.js';
import type { IngressKind, IngressProtocol, IngressSettings } from '../cluster/local/ingress.js';

const KINDS: IngressKind[] = ['nginx', 'haproxy'];

/** addIngressOptions adds --ingress, --ingress-delay and --ingress-tls (local and demo). */
export function addIngressOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--ingress <proxy>', 'send traffic through a real ingress proxy in front of the pods, with ingress-nginx\'s defaults (retries, upstream keep-alive)').choices(KINDS))
    .option('--ingress-delay <time>', 'how long after the Service\'s own endpoint change the ingress applies it', '1s')
    .option('--ingress-tls', 'the ingress terminates TLS with a certificate from a CA made for the run (traffic trusts that CA)');
}

/** readIngressSettings reads the ingress flags; undefined without --ingress. */
export function readIngressSettings(opts: Record<string, unknown>): IngressSettings | undefined {
  const kind = opts.ingress;
  if (kind === undefined || kind === null) {
    if (opts.ingressTls === true) throw new UsageError('--ingress-tls needs --ingress nginx (or haproxy)');
    return undefined;
  }
  if (!KINDS.includes(kind as IngressKind)) throw new UsageError(`--ingress: "${String(kind)}" is not a proxy; use nginx or haproxy`);
  const delayMs = parseDurationMs(String(opts.ingressDelay ?? '1s'), '--ingress-delay');
  const protocol = ingressProtocol(opts.protocol);
  if (opts.protocol === 'h2' && opts.ingressTls !== true) throw new UsageError('--protocol h2 behind --ingress is HTTP/2 over TLS: add --ingress-tls (or use --protocol h2c)');
  if (opts.protocol === 'h2c' && opts.ingressTls === true) throw new UsageError('--protocol h2c is cleartext HTTP/2; with --ingress-tls use --protocol h2');
  return { kind: kind as IngressKind, delayMs, tls: opts.ingressTls === true, ...(protocol !== 'http1' ? { protocol } : {}) };
}

/** ingressProtocol is what the ingress speaks for the traffic's --protocol: gRPC, else HTTP/2 for h2c and h2, else HTTP/1.1. */
function ingressProtocol(protocol: unknown): IngressProtocol {
  if (protocol === 'grpc') return 'grpc';
  return protocol === 'h2c' || protocol === 'h2' ? 'h2c' : 'http1';
}
