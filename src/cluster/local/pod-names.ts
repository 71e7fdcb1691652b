import { createHash, randomBytes } from 'node:crypto';

// Kubernetes' pod-name suffix alphabet: no vowels, no look-alike digits.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** revisionHash makes a pod-template-hash-like id (10 chars) for a revision of `template`. */
export function revisionHash(template: string, generation: number): string {
  const hex = createHash('sha256').update(`${template}\n${generation}`).digest();
  let out = '';
  for (let i = 0; i < 10; i += 1) out += ALPHABET[(hex[i] ?? 0) % ALPHABET.length];
  return out;
}

/** podName is `<app>-<revision hash>-<5 random chars>`, as a Deployment's pods are named. */
export function podName(app: string, revision: string): string {
  return daemonPodName(`${app}-${revision}`);
}

/** daemonPodName is `<app>-<5 random chars>`, as a DaemonSet's (or a bare ReplicaSet's) pods are named. */
export function daemonPodName(app: string): string {
  let suffix = '';
  for (const b of randomBytes(5)) suffix += ALPHABET[b % ALPHABET.length];
  return `${app}-${suffix}`;
}
