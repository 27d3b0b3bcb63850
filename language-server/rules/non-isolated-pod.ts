// non-isolated-pod: a workload whose pods no NetworkPolicy in the workspace applies to.
import { podTemplatePath } from '../resourceReferences';
import { labelsAt, namespaceOf } from './objects';
import { podKinds } from './podSpecs';
import type { LintRule } from './types';

export const nonIsolatedPod: LintRule = {
  id: 'non-isolated-pod',
  severity: 'information',
  enabledByDefault: false,
  summary: "A Pod or workload whose pods no NetworkPolicy of its namespace in the workspace selects.",
  description:
    'A pod no NetworkPolicy selects accepts traffic from every pod of the cluster, and may reach every one: one compromised pod anywhere can talk to it. Select it with a policy (a default-deny policy with `podSelector: {}` covers the whole namespace) and allow only what it needs. Off by default, as in kube-linter: it takes a network plugin that enforces policies, and a deliberate design.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation',
  appliesTo: podKinds,
  check(object, { kind, workspace }) {
    // A CronJob's or Job's pods come and go; kube-linter judges them alike.
    const labelsPath = kind === 'Pod' ? ['metadata', 'labels'] : [...podTemplatePath(kind)!, 'metadata', 'labels'];
    const labels = labelsAt(object, labelsPath) ?? {};
    if (workspace.isolated(labels, namespaceOf(object))) return [];
    return [{ path: labelsPath, onKey: true, message: 'no NetworkPolicy selects these pods: they accept traffic from every pod of the cluster' }];
  },
};
