// Rules of the smaller API groups: coordination (Lease), storage (StorageClass), autoscaling/v2 (HPA),
// policy (PodDisruptionBudget), rbac.authorization.k8s.io and events.k8s.io, after their
// pkg/apis/<group>/validation packages.

import { fieldError, FieldPath, GoValue, type FieldError } from '../../errors.js';
import { validateLabelSelector } from '../../labels/labelSelector.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { Quantity } from '../../quantity.js';
import { isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain, validatePathSegmentName } from '../names.js';
import { arr, at, has, isNotMoreThan100Percent, isObj, obj, str, validatePositiveIntOrPercent } from './common.js';
import { registerKindRules, type KindRef, type Obj } from './registry.js';

const root = FieldPath.root;
const spec = root('spec');

// ---- Lease ----

registerKindRules('coordination.k8s.io', 'Lease', {
  name: nameIsDNSSubdomain,
  validate: (lease) => {
    const s = obj(lease.spec);
    const errs: FieldError[] = [];
    if (typeof s.leaseDurationSeconds === 'number' && s.leaseDurationSeconds <= 0)
      errs.push(fieldError.invalid(spec.child('leaseDurationSeconds'), s.leaseDurationSeconds, 'must be greater than 0'));
    if (typeof s.leaseTransitions === 'number' && s.leaseTransitions < 0)
      errs.push(fieldError.invalid(spec.child('leaseTransitions'), s.leaseTransitions, 'must be greater than or equal to 0'));
    return errs;
  },
});

// ---- StorageClass ----

registerKindRules('storage.k8s.io', 'StorageClass', {
  name: nameIsDNSSubdomain,
  validate: (sc) => {
    const errs: FieldError[] = [];
    const provisioner = str(sc.provisioner);
    if (!provisioner) errs.push(fieldError.required(root('provisioner')));
    else errs.push(...isQualifiedName(provisioner.toLowerCase()).map((m) => fieldError.invalid(root('provisioner'), provisioner.toLowerCase(), m)));
    if (str(sc.reclaimPolicy) && !['Delete', 'Retain'].includes(str(sc.reclaimPolicy)))
      errs.push(fieldError.notSupported(root('reclaimPolicy'), sc.reclaimPolicy, ['Delete', 'Retain']));
    if (has(sc, 'volumeBindingMode') && !['Immediate', 'WaitForFirstConsumer'].includes(str(sc.volumeBindingMode)))
      errs.push(fieldError.notSupported(root('volumeBindingMode'), sc.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
    const params = obj(sc.parameters);
    if (Object.keys(params).length > 512) errs.push(fieldError.tooMany(root('parameters'), Object.keys(params).length, 512));
    for (const k of Object.keys(params)) if (!k) errs.push(fieldError.invalid(root('parameters'), params, 'key may not be empty'));
    return errs;
  },
  validateUpdate: (n, o) => {
    const errs: FieldError[] = [];
    if (JSON.stringify(n.parameters ?? {}) !== JSON.stringify(o.parameters ?? {})) errs.push(fieldError.forbidden(root('parameters'), 'updates to parameters are forbidden.'));
    if (n.provisioner !== o.provisioner) errs.push(fieldError.forbidden(root('provisioner'), 'updates to provisioner are forbidden.'));
    if ((n.reclaimPolicy ?? 'Delete') !== (o.reclaimPolicy ?? 'Delete')) errs.push(fieldError.forbidden(root('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
    if ((n.volumeBindingMode ?? 'Immediate') !== (o.volumeBindingMode ?? 'Immediate'))
      errs.push(fieldError.invalid(root('volumeBindingMode'), n.volumeBindingMode ?? 'Immediate', 'field is immutable'));
    return errs;
  },
});

// ---- HorizontalPodAutoscaler (autoscaling/v2) ----

const metricSourceTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const metricSourceField: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

function validateMetricTarget(t: unknown, fld: FieldPath): FieldError[] {
  const mt = obj(t);
  const errs: FieldError[] = [];
  const type = str(mt.type);
  if (!type) errs.push(fieldError.required(fld.child('type'), 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(type)) errs.push(fieldError.invalid(fld.child('type'), type, 'must be either Utilization, Value, or AverageValue'));
  for (const f of ['value', 'averageValue']) {
    if (!has(mt, f)) continue;
    const q = Quantity.tryParse(mt[f]);
    if (q && q.sign() !== 1) errs.push(fieldError.invalid(fld.child(f), new GoValue(q.toString()), 'must be positive'));
  }
  if (typeof mt.averageUtilization === 'number' && mt.averageUtilization < 1)
    errs.push(fieldError.invalid(fld.child('averageUtilization'), mt.averageUtilization, 'must be greater than 0'));
  return errs;
}

function validateMetricIdentifier(id: unknown, fld: FieldPath): FieldError[] {
  const name = str(obj(id).name);
  if (!name) return [fieldError.required(fld.child('name'), 'must specify a metric name')];
  return validatePathSegmentName(name, false).map((m) => fieldError.invalid(fld.child('name'), name, m));
}

function validateCrossVersionObjectReference(ref: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['kind', 'name']) {
    const v = str(obj(ref)[f]);
    if (!v) errs.push(fieldError.required(fld.child(f)));
    else errs.push(...validatePathSegmentName(v, false).map((m) => fieldError.invalid(fld.child(f), v, m)));
  }
  return errs;
}

/** The per-source rules: what each kind of metric must name and which target it needs. */
function validateMetricSource(source: string, src: Obj, fld: FieldPath): FieldError[] {
  const target = obj(src.target);
  const tp = fld.child('target');
  const errs: FieldError[] = [];
  switch (source) {
    case 'object':
      errs.push(...validateCrossVersionObjectReference(src.describedObject, fld.child('describedObject')), ...validateMetricIdentifier(src.metric, fld.child('metric')), ...validateMetricTarget(target, tp));
      if (!has(target, 'value') && !has(target, 'averageValue')) errs.push(fieldError.required(tp.child('averageValue'), 'must set either a target value or averageValue'));
      break;
    case 'external':
      errs.push(...validateMetricIdentifier(src.metric, fld.child('metric')), ...validateMetricTarget(target, tp));
      if (!has(target, 'value') && !has(target, 'averageValue')) errs.push(fieldError.required(tp.child('averageValue'), 'must set either a target value for metric or a per-pod target'));
      if (has(target, 'value') && has(target, 'averageValue')) errs.push(fieldError.forbidden(tp.child('value'), 'may not set both a target value for metric and a per-pod target'));
      break;
    case 'pods':
      errs.push(...validateMetricIdentifier(src.metric, fld.child('metric')), ...validateMetricTarget(target, tp));
      if (!has(target, 'averageValue')) errs.push(fieldError.required(tp.child('averageValue'), 'must specify a positive target averageValue'));
      break;
    case 'resource':
    case 'containerResource':
      if (!str(src.name)) errs.push(fieldError.required(fld.child('name'), 'must specify a resource name'));
      if (source === 'containerResource' && !str(src.container)) errs.push(fieldError.required(fld.child('container'), 'must specify a container'));
      errs.push(...validateMetricTarget(target, tp));
      if (!has(target, 'averageUtilization') && !has(target, 'averageValue'))
        errs.push(fieldError.required(tp.child('averageUtilization'), 'must set either a target raw value or a target utilization'));
      if (has(target, 'averageUtilization') && has(target, 'averageValue'))
        errs.push(fieldError.forbidden(tp.child('averageValue'), 'may not set both a target raw value and a target utilization'));
      break;
  }
  return errs;
}

/** validateMetricSpec: a type, exactly its source populated, and that source valid. */
function validateMetric(m: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(m.type);
  if (!type) errs.push(fieldError.required(fld.child('type'), 'must specify a metric source type'));
  if (!metricSourceTypes.includes(type)) errs.push(fieldError.notSupported(fld.child('type'), type, metricSourceTypes));
  // Only the first populated source is validated in depth; the others are reported as extra below.
  const present = ['object', 'external', 'pods', 'resource', 'containerResource'].filter((f) => has(m, f));
  if (present.length) errs.push(...validateMetricSource(present[0], obj(m[present[0]]), fld.child(present[0])));
  const expected = metricSourceField[type];
  if (expected && !present.includes(expected)) errs.push(fieldError.required(fld.child(expected), 'must populate information for the given metric source'));
  if (present.length !== 1) for (const extra of present) if (extra !== expected) errs.push(fieldError.forbidden(fld.child(extra), 'must populate the given metric source only'));
  return errs;
}

registerKindRules('autoscaling', 'HorizontalPodAutoscaler', {
  name: nameIsDNSSubdomain,
  validate: (hpa) => {
    const s = obj(hpa.spec);
    const errs: FieldError[] = [];
    // HPAScaleToZero is alpha (off): the lower bound is 1.
    if (typeof s.minReplicas === 'number' && s.minReplicas < 1) errs.push(fieldError.invalid(spec.child('minReplicas'), s.minReplicas, 'must be greater than or equal to 1'));
    const max = typeof s.maxReplicas === 'number' ? s.maxReplicas : 0;
    if (max < 1) errs.push(fieldError.invalid(spec.child('maxReplicas'), max, 'must be greater than 0'));
    if (typeof s.minReplicas === 'number' && max < s.minReplicas) errs.push(fieldError.invalid(spec.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`'));
    errs.push(...validateCrossVersionObjectReference(s.scaleTargetRef, spec.child('scaleTargetRef')));
    arr(s.metrics).forEach((m, i) => errs.push(...validateMetric(obj(m), spec.child('metrics').index(i))));
    const behavior = obj(s.behavior);
    for (const dir of ['scaleUp', 'scaleDown']) {
      const rules = obj(behavior[dir]);
      const bp = at(spec, 'behavior', dir);
      if (typeof rules.stabilizationWindowSeconds === 'number' && (rules.stabilizationWindowSeconds < 0 || rules.stabilizationWindowSeconds > 3600))
        errs.push(fieldError.invalid(bp.child('stabilizationWindowSeconds'), rules.stabilizationWindowSeconds, rules.stabilizationWindowSeconds < 0 ? 'must be greater than or equal to zero' : 'must be less than or equal to 3600'));
      if (has(rules, 'selectPolicy') && !['Disabled', 'Max', 'Min'].includes(str(rules.selectPolicy)))
        errs.push(fieldError.notSupported(bp.child('selectPolicy'), rules.selectPolicy, ['Disabled', 'Max', 'Min']));
      arr(rules.policies).forEach((p, i) => {
        const pol = obj(p);
        const pp = bp.child('policies').index(i);
        if (!['Pods', 'Percent'].includes(str(pol.type))) errs.push(fieldError.notSupported(pp.child('type'), pol.type, ['Percent', 'Pods']));
        if (typeof pol.value === 'number' && pol.value <= 0) errs.push(fieldError.invalid(pp.child('value'), pol.value, 'must be greater than zero'));
        if (typeof pol.periodSeconds === 'number' && (pol.periodSeconds <= 0 || pol.periodSeconds > 1800))
          errs.push(fieldError.invalid(pp.child('periodSeconds'), pol.periodSeconds, pol.periodSeconds <= 0 ? 'must be greater than zero' : 'must be less than or equal to 1800'));
      });
    }
    return errs;
  },
});

// ---- PodDisruptionBudget ----

registerKindRules('policy', 'PodDisruptionBudget', {
  name: nameIsDNSSubdomain,
  validate: (pdb) => {
    const s = obj(pdb.spec);
    const errs: FieldError[] = [];
    // Kubernetes prints the whole spec struct here; its pointers make that text unrepeatable.
    if (has(s, 'minAvailable') && has(s, 'maxUnavailable'))
      errs.push(fieldError.invalid(spec, new GoValue('policy.PodDisruptionBudgetSpec{...}'), 'minAvailable and maxUnavailable cannot be both set'));
    for (const f of ['minAvailable', 'maxUnavailable'])
      if (has(s, f)) errs.push(...validatePositiveIntOrPercent(s[f], spec.child(f)), ...isNotMoreThan100Percent(s[f], spec.child(f)));
    if (isObj(s.selector)) errs.push(...validateLabelSelector(s.selector as LabelSelector, spec.child('selector')));
    if (has(s, 'unhealthyPodEvictionPolicy') && !['AlwaysAllow', 'IfHealthyBudget'].includes(str(s.unhealthyPodEvictionPolicy)))
      errs.push(fieldError.notSupported(spec.child('unhealthyPodEvictionPolicy'), s.unhealthyPodEvictionPolicy, ['AlwaysAllow', 'IfHealthyBudget']));
    return errs;
  },
});

// ---- RBAC ----

const rbacGroup = 'rbac.authorization.k8s.io';

function validatePolicyRule(rule: Obj, namespaced: boolean, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (arr(rule.verbs).length === 0) errs.push(fieldError.required(fld.child('verbs'), 'verbs must contain at least one value'));
  const urls = arr(rule.nonResourceURLs);
  if (urls.length > 0) {
    const value = new GoValue(`[]string{${urls.map((u) => JSON.stringify(String(u))).join(', ')}}`);
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

// ---- events.k8s.io/v1 Event: strict, unlike core/v1 Events ----

registerKindRules('events.k8s.io', 'Event', {
  name: nameIsDNSSubdomain,
  validate: (ev) => {
    const errs: FieldError[] = [];
    if (!str(ev.eventTime)) errs.push(fieldError.required(root('eventTime')));
    if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(fieldError.invalid(root('type'), '', `has invalid value: ${str(ev.type)}`));
    if (has(ev, 'deprecatedFirstTimestamp')) errs.push(fieldError.invalid(root('deprecatedFirstTimestamp'), '', 'needs to be unset'));
    if (has(ev, 'deprecatedLastTimestamp')) errs.push(fieldError.invalid(root('deprecatedLastTimestamp'), '', 'needs to be unset'));
    if (has(ev, 'deprecatedCount')) errs.push(fieldError.invalid(root('deprecatedCount'), '', 'needs to be unset'));
    if (isObj(ev.deprecatedSource) && Object.keys(ev.deprecatedSource).length) errs.push(fieldError.invalid(root('deprecatedSource'), '', 'needs to be unset'));
    const controller = str(ev.reportingController);
    if (!controller) errs.push(fieldError.required(root('reportingController')));
    errs.push(...isQualifiedName(controller).map((m) => fieldError.invalid(root('reportingController'), controller, m)));
    for (const [f, limit] of [['reportingInstance', 128], ['action', 128], ['reason', 128]] as const) {
      const v = str(ev[f]);
      if (!v) errs.push(fieldError.required(root(f)));
      if (v.length > limit) errs.push(fieldError.invalid(root(f), '', `can have at most ${limit} characters`));
    }
    if (str(ev.note).length > 1024) errs.push(fieldError.invalid(root('message'), '', 'can have at most 1024 characters'));
    const ns = str(obj(ev.metadata).namespace);
    const regarding = obj(ev.regarding);
    if (!str(regarding.namespace) && ns !== 'default' && ns !== 'kube-system')
      errs.push(fieldError.invalid(at(root('involvedObject'), 'namespace'), str(regarding.namespace), 'does not match event.namespace'));
    return errs;
  },
});
