// Node selectors and node affinity as upstream's scheduler and DaemonSet
// controller read them (k8s.io/component-helpers/scheduling/corev1/nodeaffinity):
// a pod's nodeSelector AND its required affinity terms (ORed) decide where it
// may run; its preferred terms weigh the choice.
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from 'kubernetes-types/core/v1.js';
import { newRequirement, requirementMatches, type LabelOperator, type LabelRequirement } from '../../proto/index.js';

const LABEL_OPERATORS: Readonly<Record<string, LabelOperator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

/** The node's fields a matchFields requirement may name (upstream: metadata.name only). */
function nodeFields(node: Node): Record<string, string> {
  return { 'metadata.name': node.metadata?.name ?? '' };
}

function labelRequirement(expr: NodeSelectorRequirement): LabelRequirement | undefined {
  const operator = LABEL_OPERATORS[expr.operator];
  if (!operator) return undefined;
  try {
    return newRequirement(expr.key, operator, expr.values ?? []);
  } catch {
    return undefined; // upstream: a term that does not parse matches nothing
  }
}

/** upstream nodeSelectorRequirementsAsFieldSelector: In or NotIn with exactly one value. */
function fieldMatches(expr: NodeSelectorRequirement, fields: Record<string, string>): boolean | undefined {
  if ((expr.operator !== 'In' && expr.operator !== 'NotIn') || expr.values?.length !== 1) return undefined;
  if (!(expr.key in fields)) return undefined;
  const equal = fields[expr.key] === expr.values[0];
  return expr.operator === 'In' ? equal : !equal;
}

/**
 * upstream nodeSelectorTerm.match: every matchExpression against the node's
 * labels and every matchField against its fields; a term with neither, or
 * one that does not parse, matches nothing.
 */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fieldExpressions = term.matchFields ?? [];
  if (expressions.length === 0 && fieldExpressions.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  for (const expr of expressions) {
    const requirement = labelRequirement(expr);
    if (!requirement || !requirementMatches(requirement, labels)) return false;
  }
  const fields = nodeFields(node);
  for (const expr of fieldExpressions) {
    if (fieldMatches(expr, fields) !== true) return false;
  }
  return true;
}

/** upstream NodeSelector match: the terms are ORed. */
export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[], node: Node): boolean {
  return terms.some((term) => nodeSelectorTermMatches(term, node));
}

/**
 * upstream GetRequiredNodeAffinity(pod).Match(node): the pod's nodeSelector
 * (every label equal) and, if set, its
 * requiredDuringSchedulingIgnoredDuringExecution terms.
 */
export function requiredNodeAffinityMatches(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    if (labels[key] !== value) return false;
  }
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return nodeSelectorTermsMatch(required.nodeSelectorTerms ?? [], node);
}

/**
 * upstream NodeAffinity Score (before normalisation): the sum of the weights
 * of the preferredDuringSchedulingIgnoredDuringExecution terms the node
 * matches; weight-0 terms count nothing.
 */
export function preferredNodeAffinityWeight(pod: Pod, node: Node): number {
  const preferred: readonly PreferredSchedulingTerm[] = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  let sum = 0;
  for (const term of preferred) {
    if (term.weight !== 0 && nodeSelectorTermMatches(term.preference, node)) sum += term.weight;
  }
  return sum;
}
