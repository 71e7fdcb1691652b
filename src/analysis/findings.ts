// buildFindings: runs every rule of the registry (rules.ts) over one run and
// orders what they found. What a proxy in front of the pods adds is done here
// once for all rules: its evidence on the shared causes, and the findings whose
// every failure its retries hid.
import type { Finding } from '../results/types.js';
import type { FindingInput, RuleInput } from './finding-kit.js';
import { createProxyView } from './front-door.js';
import { addProxyEvidence } from './proxy-finding.js';
import { RULES } from './rules.js';

const SEVERITY_ORDER: Record<Finding['severity'], number> = { critical: 0, warning: 1, info: 2 };

/** buildFindings runs every finding rule and orders the findings by severity, then by failures. */
export function buildFindings(findingInput: FindingInput): Finding[] {
  const input: RuleInput = { ...findingInput, proxy: createProxyView(findingInput.results, findingInput.timelines) };
  const found = RULES.map((rule) => ({ rule, finding: rule.find(input) }));
  const out = found.flatMap((f) => (f.finding ? [f.finding] : []));
  const frontDoor = new Set(RULES.filter((r) => r.frontDoor).map((r) => r.id));
  // A proxy took part: its retries saved requests, or some failure's cause is the proxy's own.
  if (input.proxy.saved.length > 0 || input.causes.some((c) => c !== undefined && frontDoor.has(c))) {
    for (const { rule, finding } of found) if (finding && !rule.frontDoor) addProxyEvidence(finding, input);
    for (const { rule, finding } of found) {
      const hidden = finding === null ? rule.hiddenByProxy?.(input) : null;
      if (hidden) out.push(hidden);
    }
  }
  return out.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.failures - a.failures);
}
