// RBAC rules (pkg/apis/rbac/validation): policy rules, role references and subjects; a binding's role is
// fixed once created.

import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { isDNS1123Subdomain, validatePathSegmentName } from '../names.js';
import { arr, at, isObj, jsonValue, obj, str } from './common.js';
import { type KindRef, type Obj, registerKindRules } from './registry.js';

const root = FieldPath.root;

const rbacGroup = 'rbac.authorization.k8s.io';

function validatePolicyRule(rule: Obj, namespaced: boolean, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (arr(rule.verbs).length === 0) errs.push(fieldError.required(fld.child('verbs'), 'verbs must contain at least one value'));
  const urls = arr(rule.nonResourceURLs);
  if (urls.length > 0) {
    const value = jsonValue(urls);
    if (namespaced) errs.push(fieldError.invalid(fld.child('nonResourceURLs'), value, 'namespaced rules cannot apply to non-resource URLs'));
    if (arr(rule.apiGroups).length || arr(rule.resources).length || arr(rule.resourceNames).length)
      errs.push(fieldError.invalid(fld.child('nonResourceURLs'), value, 'rules cannot apply to both regular resources and non-resource URLs'));
    return errs;
  }
  if (arr(rule.apiGroups).length === 0) errs.push(fieldError.required(fld.child('apiGroups'), 'resource rules must supply at least one api group'));
  if (arr(rule.resources).length === 0) errs.push(fieldError.required(fld.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(o: Obj, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  arr(o.rules).forEach((r, i) => errs.push(...validatePolicyRule(obj(r), namespaced, root('rules').index(i))));
  return errs;
}

function validateSubject(subject: Obj, namespaced: boolean, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(subject.name);
  if (!name) errs.push(fieldError.required(fld.child('name')));
  const apiGroup = str(subject.apiGroup);
  switch (subject.kind) {
    case 'ServiceAccount':
      if (name) errs.push(...isDNS1123Subdomain(name).map((m) => fieldError.invalid(fld.child('name'), name, m)));
      if (apiGroup) errs.push(fieldError.notSupported(fld.child('apiGroup'), apiGroup, ['']));
      if (!namespaced && !str(subject.namespace)) errs.push(fieldError.required(fld.child('namespace')));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== rbacGroup) errs.push(fieldError.notSupported(fld.child('apiGroup'), apiGroup, [rbacGroup]));
      break;
    default:
      errs.push(fieldError.notSupported(fld.child('kind'), subject.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(b: Obj, kind: KindRef): FieldError[] {
  const errs: FieldError[] = [];
  const namespaced = kind.kind === 'RoleBinding';
  const ref = obj(b.roleRef);
  if (str(ref.apiGroup) !== rbacGroup) errs.push(fieldError.notSupported(at(root('roleRef'), 'apiGroup'), str(ref.apiGroup), [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind))) errs.push(fieldError.notSupported(at(root('roleRef'), 'kind'), str(ref.kind), kinds));
  const name = str(ref.name);
  if (!name) errs.push(fieldError.required(at(root('roleRef'), 'name')));
  else errs.push(...validatePathSegmentName(name, false).map((m) => fieldError.invalid(at(root('roleRef'), 'name'), name, m)));
  arr(b.subjects).forEach((s, i) => errs.push(...validateSubject(obj(s), namespaced, root('subjects').index(i))));
  return errs;
}

/** rbac.RoleRef as Go prints it. */
function goRoleRef(ref: Obj): GoValue {
  return new GoValue(`rbac.RoleRef{APIGroup:${JSON.stringify(str(ref.apiGroup))}, Kind:${JSON.stringify(str(ref.kind))}, Name:${JSON.stringify(str(ref.name))}}`);
}

/** A binding's role is fixed: changing it would silently change what every subject may do. */
function roleRefImmutable(n: Obj, o: Obj): FieldError[] {
  const nr = obj(n.roleRef);
  const or = obj(o.roleRef);
  return nr.apiGroup !== or.apiGroup || nr.kind !== or.kind || nr.name !== or.name ? [fieldError.invalid(root('roleRef'), goRoleRef(nr), 'cannot change roleRef')] : [];
}

registerKindRules(rbacGroup, 'Role', { name: validatePathSegmentName, validate: (r) => validateRules(r, true) });

registerKindRules(rbacGroup, 'ClusterRole', {
  name: validatePathSegmentName,
  validate: (r) => {
    const errs = validateRules(r, false);
    if (isObj(r.aggregationRule) && arr(r.aggregationRule.clusterRoleSelectors).length === 0)
      errs.push(fieldError.required(at(root('aggregationRule'), 'clusterRoleSelectors'), 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    return errs;
  },
});

registerKindRules(rbacGroup, 'RoleBinding', { name: validatePathSegmentName, validate: validateBinding, validateUpdate: roleRefImmutable });

registerKindRules(rbacGroup, 'ClusterRoleBinding', { name: validatePathSegmentName, validate: validateBinding, validateUpdate: roleRefImmutable });
