// cluster-admin-role-binding: a binding that grants the cluster-admin ClusterRole.
import { valueAt } from '../parsedDocument';
import type { LintRule } from './types';

export const clusterAdminRoleBinding: LintRule = {
  id: 'cluster-admin-role-binding',
  severity: 'warning',
  enabledByDefault: false,
  summary: 'A ClusterRoleBinding or RoleBinding whose `roleRef` is the `cluster-admin` ClusterRole.',
  description:
    '`cluster-admin` may do anything to anything: bound cluster-wide, its subjects own the cluster; bound in a namespace, they own everything in it, RBAC included. Bind a role with the permissions the subject needs (CIS Kubernetes Benchmark 5.1.1). Off by default, as in kube-linter: the administrators\' own bindings are meant to be this. No quick fix.',
  docs: 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles',
  appliesTo: ['ClusterRoleBinding', 'RoleBinding'],
  check(object) {
    if (valueAt(object, ['roleRef', 'kind']) !== 'ClusterRole' || valueAt(object, ['roleRef', 'name']) !== 'cluster-admin') return [];
    return [{ path: ['roleRef', 'name'], message: 'the binding grants cluster-admin: its subjects may do anything' }];
  },
};
