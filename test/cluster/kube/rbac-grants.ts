import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** RUN_GRANTS are the manifests a plain run needs: rbac.yaml in its namespace and rbac-nodes.yaml's ClusterRole (every run follows the nodes). */
export const RUN_GRANTS = ['manifests/rbac.yaml', 'manifests/rbac-nodes.yaml'];

/** rbacGrants reads the Roles and ClusterRoles of the manifests as "verb resource" pairs. */
export function rbacGrants(...files: string[]): Set<string> {
  const roles = files.flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS() as { kind?: string; rules?: Array<{ resources: string[]; verbs: string[] }> }));
  return new Set(roles.filter((r) => r.kind === 'Role' || r.kind === 'ClusterRole').flatMap((r) => (r.rules ?? []).flatMap((rule) => rule.resources.flatMap((res) => rule.verbs.map((v) => `${v} ${res}`)))));
}
