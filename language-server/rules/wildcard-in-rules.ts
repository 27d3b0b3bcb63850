// wildcard-in-rules: a Role or ClusterRole rule granting `*`.
import { valueAt } from '../parsedDocument';
import type { Finding, LintRule } from './types';

export const wildcardInRules: LintRule = {
  id: 'wildcard-in-rules',
  severity: 'warning',
  enabledByDefault: false,
  summary: 'A Role or ClusterRole rule whose `apiGroups`, `resources` or `verbs` contain `*`.',
  description:
    'A wildcard grants more than was written down: every verb (`escalate`, `bind` and `impersonate` included), and every resource added later by an upgrade or a CRD. Name the groups, resources and verbs the subject needs (CIS Kubernetes Benchmark 5.1.3). Off by default, as in kube-linter: operators and admin roles use wildcards on purpose. No quick fix.',
  docs: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege',
  appliesTo: ['Role', 'ClusterRole'],
  check(object) {
    const rules = valueAt(object, ['rules']);
    if (!Array.isArray(rules)) return [];
    const findings: Finding[] = [];
    rules.forEach((_, i) => {
      for (const field of ['apiGroups', 'resources', 'verbs']) {
        const list = valueAt(object, ['rules', i, field]);
        const at = Array.isArray(list) ? list.indexOf('*') : -1;
        if (at >= 0) findings.push({ path: ['rules', i, field, at], message: `rule ${i + 1} grants every ${field === 'apiGroups' ? 'API group' : field === 'resources' ? 'resource' : 'verb'} ("*")` });
      }
    });
    return findings;
  },
};
