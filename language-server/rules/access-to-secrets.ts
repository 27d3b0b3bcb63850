// access-to-secrets: a Role or ClusterRole that lets its subjects read or change Secrets.
import { grants } from './rbacRules';
import type { LintRule } from './types';

export const accessToSecrets: LintRule = {
  id: 'access-to-secrets',
  severity: 'information',
  enabledByDefault: false,
  summary: 'A Role or ClusterRole rule granting `get`, `list`, `watch`, `create`, `delete` (or `*`) on `secrets`.',
  description:
    "Whoever is bound to it reads every credential of the namespace (of the cluster, for a ClusterRole), ServiceAccount tokens included, and can act as those accounts: `list` and `watch` return the Secrets' contents, not only their names. Keep such access to the few subjects that need it (CIS Kubernetes Benchmark 5.1.2). Off by default, as in kube-linter. No quick fix.",
  docs: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets',
  appliesTo: ['Role', 'ClusterRole'],
  check(object) {
    return grants(object, new Set(['secrets']), new Set(['get', 'list', 'watch', 'create', 'delete'])).map(({ index, verbs }) => ({
      path: ['rules', index, 'resources'],
      message: `rule ${index + 1} grants ${verbs.join(', ')} on Secrets`,
    }));
  },
};
