// apps/v1 rules (pkg/apis/apps/validation): Deployments, ReplicaSets, StatefulSets, DaemonSets and
// ControllerRevisions — selectors that select their own template, restartPolicy Always, rollout
// strategies, and what an update may change.

import { fieldError, FieldPath, GoValue, type FieldError } from '../../errors.js';
import { nameIsDNSSubdomain } from '../names.js';
import {
  arr,
  at,
  deepEqual,
  goLabelSelector,
  has,
  intOrPercentIsZero,
  intstr,
  isNotMoreThan100Percent,
  isObj,
  obj,
  str,
  validateImmutableField,
  validateNonnegativeField,
  validatePositiveIntOrPercent,
  validateWorkloadSelector,
} from './common.js';
import { validatePodTemplateSpec } from './pod.js';
import { registerKindRules, type Obj } from './registry.js';

const spec = FieldPath.root('spec');

/**
 * ValidatePodTemplateSpecForReplicaSet (used by Deployments and ReplicaSets too) and its StatefulSet and
 * DaemonSet twins: the template is a valid pod template whose pods restart Always and have no deadline.
 */
function validateWorkloadTemplate(s: Obj, fld: FieldPath, workload: 'ReplicaSet' | 'StatefulSet' | 'DaemonSet'): FieldError[] {
  const errs: FieldError[] = [];
  const tPath = fld.child('template');
  if (!isObj(s.template)) return [fieldError.required(tPath)];
  errs.push(...validatePodTemplateSpec(s.template, tPath));
  const podSpec = obj(s.template.spec);
  const restartPolicy = podSpec.restartPolicy;
  if (restartPolicy !== undefined && restartPolicy !== 'Always') errs.push(fieldError.notSupported(at(tPath, 'spec', 'restartPolicy'), restartPolicy, ['Always']));
  if (has(podSpec, 'activeDeadlineSeconds')) {
    if (workload === 'ReplicaSet')
      errs.push(fieldError.invalid(at(tPath, 'spec', 'activeDeadlineSeconds'), podSpec.activeDeadlineSeconds, 'activeDeadlineSeconds in ReplicaSet is not Supported'));
    else errs.push(fieldError.forbidden(at(tPath, 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${workload} is not Supported`));
  }
  return errs;
}

function validateReplicasAndSelector(s: Obj, workload: string): FieldError[] {
  return [...validateNonnegativeField(s.replicas, spec.child('replicas')), ...validateWorkloadSelector(s, spec, workload)];
}

/** maxUnavailable and maxSurge: ints or percents, at most 100%, and not both zero. */
function validateRollingUpdate(ru: Obj, fld: FieldPath, surgeOnly = false): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['maxUnavailable', 'maxSurge']) {
    if (!has(ru, f)) continue;
    errs.push(...validatePositiveIntOrPercent(ru[f], fld.child(f)));
  }
  errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, fld.child('maxUnavailable')));
  if (!surgeOnly && has(ru, 'maxUnavailable') && intOrPercentIsZero(ru.maxUnavailable) && (!has(ru, 'maxSurge') || intOrPercentIsZero(ru.maxSurge)))
    errs.push(fieldError.invalid(fld.child('maxUnavailable'), intstr(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
  return errs;
}

// ---- Deployment ----

function validateDeployment(d: Obj): FieldError[] {
  const s = obj(d.spec);
  const errs = validateReplicasAndSelector(s, 'deployment');
  errs.push(...validateWorkloadTemplate(s, spec, 'ReplicaSet'));
  const strategy = obj(s.strategy);
  const sPath = spec.child('strategy');
  const type = str(strategy.type);
  if (has(strategy, 'type')) {
    if (type === 'Recreate') {
      if (has(strategy, 'rollingUpdate')) errs.push(fieldError.forbidden(sPath.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
    } else if (type === 'RollingUpdate') {
      errs.push(...validateRollingUpdate(obj(strategy.rollingUpdate), sPath.child('rollingUpdate')));
    } else {
      errs.push(fieldError.notSupported(sPath.child('type'), type, ['Recreate', 'RollingUpdate']));
    }
  }
  errs.push(...validateNonnegativeField(s.revisionHistoryLimit, spec.child('revisionHistoryLimit')));
  errs.push(...validateNonnegativeField(s.minReadySeconds, spec.child('minReadySeconds')));
  if (typeof s.progressDeadlineSeconds === 'number') {
    errs.push(...validateNonnegativeField(s.progressDeadlineSeconds, spec.child('progressDeadlineSeconds')));
    if (s.progressDeadlineSeconds <= ((s.minReadySeconds as number) ?? 0))
      errs.push(fieldError.invalid(spec.child('progressDeadlineSeconds'), s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

/** In apps/v1 a workload's selector is fixed at creation: it decides which pods the controller owns. */
function selectorImmutable(n: Obj, o: Obj): FieldError[] {
  return validateImmutableField(obj(n.spec).selector, obj(o.spec).selector, spec.child('selector'), goLabelSelector);
}

registerKindRules('apps', 'Deployment', { name: nameIsDNSSubdomain, validate: validateDeployment, validateUpdate: selectorImmutable });

// ---- ReplicaSet ----

registerKindRules('apps', 'ReplicaSet', {
  name: nameIsDNSSubdomain,
  validate: (rs) => {
    const s = obj(rs.spec);
    // Kubernetes' ReplicaSet validation says "deployment" here too.
    return [...validateReplicasAndSelector(s, 'deployment'), ...validateWorkloadTemplate(s, spec, 'ReplicaSet'), ...validateNonnegativeField(s.minReadySeconds, spec.child('minReadySeconds'))];
  },
  validateUpdate: selectorImmutable,
});

// ---- StatefulSet ----

function validateStatefulSet(sts: Obj): FieldError[] {
  const s = obj(sts.spec);
  const errs: FieldError[] = [];
  if (has(s, 'podManagementPolicy') && !['OrderedReady', 'Parallel'].includes(str(s.podManagementPolicy)))
    errs.push(fieldError.notSupported(spec.child('podManagementPolicy'), s.podManagementPolicy, ['OrderedReady', 'Parallel']));
  const us = obj(s.updateStrategy);
  const usPath = spec.child('updateStrategy');
  if (has(us, 'type')) {
    if (us.type === 'OnDelete') {
      if (has(us, 'rollingUpdate')) errs.push(fieldError.invalid(usPath.child('rollingUpdate'), null, "only allowed for updateStrategy 'RollingUpdate'"));
    } else if (us.type === 'RollingUpdate') {
      const ru = obj(us.rollingUpdate);
      errs.push(...validateNonnegativeField(ru.partition, at(usPath, 'rollingUpdate', 'partition')));
      if (has(ru, 'maxUnavailable')) {
        errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, at(usPath, 'rollingUpdate', 'maxUnavailable')));
        if (intOrPercentIsZero(ru.maxUnavailable)) errs.push(fieldError.invalid(at(usPath, 'rollingUpdate', 'maxUnavailable'), intstr(ru.maxUnavailable), 'must be greater than 0'));
        errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, at(usPath, 'rollingUpdate', 'maxUnavailable')));
      }
    } else {
      errs.push(fieldError.notSupported(usPath.child('type'), us.type, ['OnDelete', 'RollingUpdate']));
    }
  }
  const retention = obj(s.persistentVolumeClaimRetentionPolicy);
  for (const f of ['whenDeleted', 'whenScaled'])
    if (has(retention, f) && !['Delete', 'Retain'].includes(str(retention[f])))
      errs.push(fieldError.notSupported(at(spec, 'persistentVolumeClaimRetentionPolicy', f), retention[f], ['Retain', 'Delete']));
  errs.push(...validateNonnegativeField(s.minReadySeconds, spec.child('minReadySeconds')));
  if (isObj(s.ordinals)) errs.push(...validateNonnegativeField(s.ordinals.start, at(spec, 'ordinals', 'start')));
  errs.push(...validateReplicasAndSelector(s, 'statefulset'));
  errs.push(...validateWorkloadTemplate(s, spec, 'StatefulSet'));
  const claimNames = new Set<string>();
  arr(s.volumeClaimTemplates).forEach((raw, i) => {
    const name = str(obj(obj(raw).metadata).name);
    const p = spec.child('volumeClaimTemplates').index(i);
    if (!name) errs.push(fieldError.required(at(p, 'metadata', 'name')));
    else if (claimNames.has(name)) errs.push(fieldError.duplicate(at(p, 'metadata', 'name'), name));
    claimNames.add(name);
  });
  return errs;
}

const statefulSetMutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** Everything in a StatefulSet's spec but these fields is fixed: pods and their claims were made from it. */
function validateStatefulSetUpdate(n: Obj, o: Obj): FieldError[] {
  const ns = { ...obj(n.spec) };
  const os = obj(o.spec);
  for (const f of statefulSetMutable) ns[f] = os[f];
  if (deepEqual(ns, os)) return [];
  return [
    fieldError.forbidden(
      spec,
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

registerKindRules('apps', 'StatefulSet', { name: nameIsDNSSubdomain, validate: validateStatefulSet, validateUpdate: validateStatefulSetUpdate });

// ---- DaemonSet ----

function validateDaemonSet(ds: Obj): FieldError[] {
  const s = obj(ds.spec);
  const errs = validateWorkloadSelector(s, spec, 'daemonset');
  errs.push(...validateWorkloadTemplate(s, spec, 'DaemonSet'));
  errs.push(...validateNonnegativeField(s.minReadySeconds, spec.child('minReadySeconds')));
  errs.push(...validateNonnegativeField(s.revisionHistoryLimit, spec.child('revisionHistoryLimit')));
  const us = obj(s.updateStrategy);
  const usPath = spec.child('updateStrategy');
  if (has(us, 'type')) {
    if (us.type === 'RollingUpdate') {
      const ru = obj(us.rollingUpdate);
      const p = usPath.child('rollingUpdate');
      for (const f of ['maxUnavailable', 'maxSurge']) if (has(ru, f)) errs.push(...validatePositiveIntOrPercent(ru[f], p.child(f)), ...isNotMoreThan100Percent(ru[f], p.child(f)));
      // Exactly one of them is non-zero: a DaemonSet either surges a node's pod or takes it down first.
      const hasUnavailable = !intOrPercentIsZero(ru.maxUnavailable ?? 0);
      const hasSurge = !intOrPercentIsZero(ru.maxSurge ?? 0);
      if (hasUnavailable && hasSurge) errs.push(fieldError.invalid(p.child('maxSurge'), intstr(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      else if (!hasUnavailable && !hasSurge) errs.push(fieldError.required(p.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
    } else if (us.type !== 'OnDelete') {
      errs.push(fieldError.notSupported(usPath.child('type'), us.type, ['OnDelete', 'RollingUpdate']));
    }
  }
  return errs;
}

registerKindRules('apps', 'DaemonSet', { name: nameIsDNSSubdomain, validate: validateDaemonSet, validateUpdate: selectorImmutable });

// ---- ControllerRevision ----

registerKindRules('apps', 'ControllerRevision', {
  name: nameIsDNSSubdomain,
  validate: (cr) => {
    const errs = validateNonnegativeField(cr.revision, FieldPath.root('revision'));
    if (cr.data === undefined || cr.data === null) errs.push(fieldError.required(FieldPath.root('data'), 'data is mandatory'));
    return errs;
  },
  // runtime.RawExtension prints as a Go struct; the stored data is not echoed back.
  validateUpdate: (n, o) => validateImmutableField(n.data, o.data, FieldPath.root('data'), () => new GoValue('runtime.RawExtension{...}')),
});
