// dangling-networkpolicypeer-podselector: a NetworkPolicy peer whose podSelector picks no pod template in the workspace.
import { isRecord, valueAt } from '../parsedDocument';
import { labelsAt, labelsText, namespaceOf } from './objects';
import type { Finding, LintRule } from './types';

export const danglingNetworkPolicyPeerPodSelector: LintRule = {
  id: 'dangling-networkpolicypeer-podselector',
  severity: 'warning',
  enabledByDefault: true,
  summary: "A NetworkPolicy `from` or `to` peer whose `podSelector.matchLabels` (without a `namespaceSelector`) matches the pod labels of no workload or pod in the policy's namespace in the workspace.",
  description:
    'Such a peer allows traffic from (or to) the pods of the policy\'s own namespace that carry those labels: picking none, it allows nothing, and the traffic the rule was written for is dropped. Usually a label typo, or a peer in another namespace that needs a `namespaceSelector`. Peers with `matchExpressions` or an empty selector are left alone. No quick fix.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors',
  appliesTo: ['NetworkPolicy'],
  check(object, { workspace }) {
    const namespace = namespaceOf(object);
    const findings: Finding[] = [];
    for (const [direction, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
      const rules = valueAt(object, ['spec', direction]);
      (Array.isArray(rules) ? rules : []).forEach((_, i) => {
        const list = valueAt(object, ['spec', direction, i, peers]);
        (Array.isArray(list) ? list : []).forEach((peer, j) => {
          if (!isRecord(peer) || peer['namespaceSelector'] !== undefined || !isRecord(peer['podSelector']) || peer['podSelector']['matchExpressions'] !== undefined) return;
          const path = ['spec', direction, i, peers, j, 'podSelector'];
          const labels = labelsAt(object, [...path, 'matchLabels']);
          if (!labels || Object.keys(labels).length === 0 || workspace.selectsPods(labels, namespace)) return;
          findings.push({ path, onKey: true, message: `no pod template in the namespace has the labels ${labelsText(labels)}: this peer matches no pod` });
        });
      });
    }
    return findings;
  },
};
