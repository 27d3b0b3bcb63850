// Role-based access control, as kube-apiserver's RBAC authorizer decides it: a request is allowed
// when some rule of a role bound to the user (directly, through a group, or as a service account)
// covers its verb, API group, resource (or non-resource URL) and name. There is no deny rule.
// See https://kubernetes.io/docs/reference/access-authn-authz/rbac/ and
// plugin/pkg/auth/authorizer/rbac/rbac.go.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from 'kubernetes-types/rbac/v1';
import { type Attributes, type Authorizer, type Decision, isResourceRequest } from './attributes';
import { parseServiceAccountUser, type UserInfo } from './user';

/** Where the authorizer reads roles and bindings from (the API server's informer cache). */
export interface RbacSource {
  clusterRoleBindings(): Iterable<ClusterRoleBinding>;
  roleBindings(namespace: string): Iterable<RoleBinding>;
  clusterRole(name: string): ClusterRole | undefined;
  role(namespace: string, name: string): Role | undefined;
}

export function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const sa = parseServiceAccountUser(user.name);
      // A ServiceAccount subject without a namespace defaults to the binding's namespace.
      return !!sa && sa.name === subject.name && sa.namespace === (subject.namespace || bindingNamespace);
    }
    default:
      return false;
  }
}

const has = (list: readonly string[] | undefined, value: string) => !!list && (list.includes('*') || list.includes(value));

/** rbac/v1 helpers' RuleAllows: does one policy rule cover the request? */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!isResourceRequest(a)) {
    return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))));
  }
  if (!has(rule.apiGroups, a.apiGroup)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceOk = (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (!!a.subresource && r === `*/${a.subresource}`),
  );
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (!!a.name && names.includes(a.name));
}

export class RbacAuthorizer implements Authorizer {
  constructor(private readonly source: RbacSource) {}

  authorize(a: Attributes): Decision {
    for (const rule of this.rulesFor(a.user, isResourceRequest(a) ? a.namespace : undefined)) {
      if (ruleAllows(a, rule)) return { allowed: true };
    }
    return { allowed: false };
  }

  /** Every rule that applies to `user` in `namespace` (cluster-wide bindings always apply). */
  *rulesFor(user: UserInfo, namespace: string | undefined): Iterable<PolicyRule> {
    for (const b of this.source.clusterRoleBindings()) {
      if (b.roleRef.kind !== 'ClusterRole' || !(b.subjects ?? []).some((s) => subjectMatches(s, user, ''))) continue;
      yield* this.source.clusterRole(b.roleRef.name)?.rules ?? [];
    }
    if (!namespace) return;
    for (const b of this.source.roleBindings(namespace)) {
      if (!(b.subjects ?? []).some((s) => subjectMatches(s, user, namespace))) continue;
      const rules = b.roleRef.kind === 'ClusterRole' ? this.source.clusterRole(b.roleRef.name)?.rules : this.source.role(namespace, b.roleRef.name)?.rules;
      yield* rules ?? [];
    }
  }
}
