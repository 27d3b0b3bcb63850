// RoleBinding and ClusterRoleBinding defaults (rbac/v1 SetDefaults_Subject and the roleRef group).

import { child, list, type Obj, registerDefaulter, setDefault } from './registry.js';

const rbacGroup = 'rbac.authorization.k8s.io';

function setDefaultsBinding(b: Obj): void {
  setDefault(child(b, 'roleRef'), 'apiGroup', rbacGroup);
  // SetDefaults_Subject: users and groups are RBAC subjects; service accounts are core objects.
  for (const s of list(b.subjects)) {
    if (s.apiGroup != null && s.apiGroup !== '') continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = rbacGroup;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
  }
}

registerDefaulter(rbacGroup, 'RoleBinding', setDefaultsBinding);

registerDefaulter(rbacGroup, 'ClusterRoleBinding', setDefaultsBinding);
