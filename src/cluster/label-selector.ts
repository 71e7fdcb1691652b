// A metav1.LabelSelector read as the API server reads one
// (apimachinery pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector and
// pkg/labels/selector.go Requirement.Matches): every matchLabels pair and every
// matchExpressions requirement must hold. `In` needs the key with one of the
// values, `NotIn` a missing key or a value outside them, `Exists` the key,
// `DoesNotExist` its absence. A PodDisruptionBudget with an empty selector
// covers no pod (eviction.go: "should match nothing, not everything").

/** LabelRequirement is one entry of a selector's matchExpressions. */
export interface LabelRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** LabelSelector is a Kubernetes label selector (matchLabels and matchExpressions). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelRequirement[];
}

/** selectorMatches tells whether `labels` satisfy every part of the selector; an empty or missing selector, or an unknown operator, matches nothing. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  const pairs = Object.entries(selector?.matchLabels ?? {});
  const expressions = selector?.matchExpressions ?? [];
  if (pairs.length + expressions.length === 0) return false;
  return pairs.every(([k, v]) => labels[k] === v) && expressions.every((r) => requirementHolds(r, labels));
}

function requirementHolds(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && value !== undefined && values.includes(value);
    case 'NotIn':
      return !has || value === undefined || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}
