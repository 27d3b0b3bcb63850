// dangling-networkpolicy: a NetworkPolicy whose podSelector picks no pod template in the workspace.
import { isRecord, valueAt } from '../parsedDocument';
import { labelsAt, labelsText, namespaceOf } from './objects';
import type { LintRule } from './types';

export const danglingNetworkPolicy: LintRule = {
  id: 'dangling-networkpolicy',
  severity: 'warning',
  enabledByDefault: true,
  summary: "A NetworkPolicy whose `spec.podSelector.matchLabels` matches the pod labels of no workload or pod in the workspace.",
  description:
    'A policy applies to the pods its selector picks: picking none, it isolates nothing, and the pods it was written for stay open to all traffic. Usually a label typo. An empty selector (every pod of the namespace) and selectors with `matchExpressions` are left alone. No quick fix.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource',
  appliesTo: ['NetworkPolicy'],
  check(object, { workspace }) {
    const selector = valueAt(object, ['spec', 'podSelector']);
    if (!isRecord(selector) || selector['matchExpressions'] !== undefined) return [];
    const labels = labelsAt(object, ['spec', 'podSelector', 'matchLabels']);
    if (!labels || Object.keys(labels).length === 0 || workspace.selectsPods(labels, namespaceOf(object))) return [];
    return [{ path: ['spec', 'podSelector'], onKey: true, message: `no pod template in the workspace has the labels ${labelsText(labels)}: the policy applies to no pod` }];
  },
};
