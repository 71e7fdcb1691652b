import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseDurationMs } from '../parse.js';
import type { IngressKind, IngressSettings } from '../cluster/local/ingress.js';

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
  return { kind: kind as IngressKind, delayMs, tls: opts.ingressTls === true };
}
