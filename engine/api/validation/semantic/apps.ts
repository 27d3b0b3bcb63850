// apps/v1 rules (pkg/apis/apps/validation): Deployments, ReplicaSets, StatefulSets, DaemonSets and
// ControllerRevisions — selectors that select their own template, restartPolicy Always, rollout
// strategies, and what an update may change. Checks run in Kubernetes' order, so messages list alike.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fieldError, FieldPath, GoValue, type FieldError } from '../../errors.js';
import { labelSelectorAsSelector, validateLabelSelector } from '../../labels/labelSelector.js';
import type { Selector } from '../../labels/selector.js';
import { nameIsDNSLabel, nameIsDNSSubdomain, validateAnnotations, validateLabels } from '../names.js';
import {
  arr,
  at,
  deepEqual,
  goLabelSelector,
  goStringMap,
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
} from './common.js';
import { validatePodTemplateSpec } from './pod.js';
import { registerKindRules, type Obj } from './registry.js';

const spec = FieldPath.root('spec');

/** Required, valid and not empty: the spec.selector checks every workload kind shares. */
function validateRequiredSelector(s: Obj, workload: string): FieldError[] {
  const selPath = spec.child('selector');
  if (!isObj(s.selector)) return [fieldError.required(selPath)];
  const errs = validateLabelSelector(s.selector as LabelSelector, selPath);
  if (Object.keys(obj(s.selector.matchLabels)).length + arr(s.selector.matchExpressions).length === 0)
    errs.push(fieldError.invalid(selPath, goLabelSelector(s.selector), `empty selector is invalid for ${workload}`));
  return errs;
}

/** LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything; undefined when it does not parse. */
function asSelector(sel: unknown): Selector | undefined {
  try {
    return labelSelectorAsSelector(isObj(sel) ? (sel as LabelSelector) : undefined);
  } catch {
    return undefined;
  }
}

/** The template must carry labels its own selector selects, or the controller would never see its pods. */
function validateSelectorMatchesTemplate(selector: Selector, template: Obj, tPath: FieldPath): FieldError[] {
  const labels = obj(template.metadata).labels;
  if (selector.empty() || selector.matches(obj(labels) as Record<string, string>)) return [];
  return [fieldError.invalid(at(tPath, 'metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`')];
}

/** Workload pods restart Always and have no deadline: a controller replaces them, it never lets them finish. */
function validateLongRunningTemplate(template: Obj, tPath: FieldPath, workload: string): FieldError[] {
  const errs: FieldError[] = [];
  const podSpec = obj(template.spec);
  const restartPolicy = podSpec.restartPolicy ?? '';
  if (restartPolicy !== 'Always') errs.push(fieldError.notSupported(at(tPath, 'spec', 'restartPolicy'), restartPolicy, ['Always']));
  if (has(podSpec, 'activeDeadlineSeconds')) errs.push(fieldError.forbidden(at(tPath, 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${workload} is not Supported`));
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet (Deployments use it too). */
function validateReplicaSetTemplate(s: Obj, selector: Selector): FieldError[] {
  const tPath = spec.child('template');
  if (!isObj(s.template)) return [fieldError.required(tPath)];
  return [...validateSelectorMatchesTemplate(selector, s.template, tPath), ...validatePodTemplateSpec(s.template, tPath), ...validateLongRunningTemplate(s.template, tPath, 'ReplicaSet')];
}

// ---- Deployment ----

/** A DeploymentStrategy as Go's %#v prints it in an Unsupported value error. */
function goDeploymentStrategy(strategy: Obj): GoValue {
  const ru = isObj(strategy.rollingUpdate) ? '(*apps.RollingUpdateDeployment)(0xc000000000)' : '(*apps.RollingUpdateDeployment)(nil)';
  return new GoValue(`apps.DeploymentStrategy{Type:${JSON.stringify(str(strategy.type))}, RollingUpdate:${ru}}`);
}

function validateDeploymentStrategy(strategy: Obj): FieldError[] {
  const sPath = spec.child('strategy');
  switch (strategy.type) {
    case 'Recreate':
      return has(strategy, 'rollingUpdate') ? [fieldError.forbidden(sPath.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      if (!isObj(strategy.rollingUpdate)) return [fieldError.required(sPath.child('rollingUpdate'), 'this should be defaulted and never be nil')];
      const ru = strategy.rollingUpdate;
      const p = sPath.child('rollingUpdate');
      const errs = [...validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable')), ...validatePositiveIntOrPercent(ru.maxSurge, p.child('maxSurge'))];
      if (intOrPercentIsZero(ru.maxUnavailable ?? 0) && intOrPercentIsZero(ru.maxSurge ?? 0))
        errs.push(fieldError.invalid(p.child('maxUnavailable'), intstr(ru.maxUnavailable ?? 0), 'may not be 0 when `maxSurge` is 0'));
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable')));
      return errs;
    }
    default:
      return [fieldError.notSupported(sPath, goDeploymentStrategy(strategy), ['Recreate', 'RollingUpdate'])];
  }
}

function validateDeployment(d: Obj): FieldError[] {
  const s = obj(d.spec);
  const errs = [...validateNonnegativeField(s.replicas, spec.child('replicas')), ...validateRequiredSelector(s, 'deployment')];
  const selector = asSelector(s.selector);
  if (selector) errs.push(...validateReplicaSetTemplate(s, selector));
  else errs.push(fieldError.invalid(spec.child('selector'), goLabelSelector(s.selector), 'invalid label selector'));
  errs.push(...validateDeploymentStrategy(obj(s.strategy)));
  errs.push(...validateNonnegativeField(s.minReadySeconds, spec.child('minReadySeconds')));
  errs.push(...validateNonnegativeField(s.revisionHistoryLimit, spec.child('revisionHistoryLimit')));
  if (typeof s.progressDeadlineSeconds === 'number') {
    errs.push(...validateNonnegativeField(s.progressDeadlineSeconds, spec.child('progressDeadlineSeconds')));
    if (s.progressDeadlineSeconds <= ((s.minReadySeconds as number | undefined) ?? 0))
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
    const errs = [...validateNonnegativeField(s.replicas, spec.child('replicas')), ...validateNonnegativeField(s.minReadySeconds, spec.child('minReadySeconds')), ...validateRequiredSelector(s, 'deployment')];
    const selector = asSelector(s.selector);
    if (selector) errs.push(...validateReplicaSetTemplate(s, selector));
    else errs.push(fieldError.invalid(spec.child('selector'), goLabelSelector(s.selector), 'invalid label selector'));
    return errs;
  },
  validateUpdate: selectorImmutable,
});

// ---- StatefulSet ----

function validateStatefulSet(sts: Obj): FieldError[] {
  const s = obj(sts.spec);
  const errs: FieldError[] = [];
  const pmp = str(s.podManagementPolicy);
  if (!pmp) errs.push(fieldError.required(spec.child('podManagementPolicy')));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(fieldError.invalid(spec.child('podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = obj(s.updateStrategy);
  const usPath = spec.child('updateStrategy');
  const goRollingUpdate = (ru: unknown) =>
    new GoValue(`apps.RollingUpdateStatefulSetStrategy{Partition:${typeof obj(ru).partition === 'number' ? obj(ru).partition : 0}, MaxUnavailable:${has(obj(ru), 'maxUnavailable') ? '(*intstr.IntOrString)(0xc000000000)' : '(*intstr.IntOrString)(nil)'}}`);
  switch (us.type ?? '') {
    case '':
      errs.push(fieldError.required(usPath));
      break;
    case 'OnDelete':
      if (has(us, 'rollingUpdate')) errs.push(fieldError.invalid(usPath.child('rollingUpdate'), goRollingUpdate(us.rollingUpdate), "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (isObj(us.rollingUpdate)) {
        const ru = us.rollingUpdate;
        const p = usPath.child('rollingUpdate');
        errs.push(...validateNonnegativeField(ru.partition, p.child('partition')));
        if (has(ru, 'maxUnavailable')) {
          errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable')));
          if (intOrPercentIsZero(ru.maxUnavailable)) errs.push(fieldError.invalid(p.child('maxUnavailable'), intstr(ru.maxUnavailable), 'cannot be 0'));
          errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable')));
        }
      }
      break;
    default:
      errs.push(
        fieldError.invalid(
          usPath,
          new GoValue(`apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(str(us.type))}, RollingUpdate:${isObj(us.rollingUpdate) ? '(*apps.RollingUpdateStatefulSetStrategy)(0xc000000000)' : '(*apps.RollingUpdateStatefulSetStrategy)(nil)'}}`),
          "must be 'RollingUpdate' or 'OnDelete'",
        ),
      );
  }
  if (isObj(s.persistentVolumeClaimRetentionPolicy)) {
    const retention = s.persistentVolumeClaimRetentionPolicy;
    for (const f of ['whenDeleted', 'whenScaled']) {
      const v = str(retention[f]);
      if (v !== 'Retain' && v !== 'Delete') errs.push(fieldError.notSupported(at(spec, 'persistentVolumeClaimRetentionPolicy', f), v, ['Retain', 'Delete']));
    }
  }
  errs.push(...validateNonnegativeField(s.replicas, spec.child('replicas')));
  errs.push(...validateNonnegativeField(s.minReadySeconds, spec.child('minReadySeconds')));
  if (isObj(s.ordinals)) errs.push(...validateNonnegativeField(s.ordinals.start, at(spec, 'ordinals', 'start')));
  errs.push(...validateRequiredSelector(s, 'statefulset'));
  const selector = asSelector(s.selector);
  const template = obj(s.template);
  const tPath = spec.child('template');
  if (!selector) errs.push(fieldError.invalid(spec.child('selector'), goLabelSelector(s.selector), ''));
  else {
    // ValidatePodTemplateSpecForStatefulSet checks only labels and annotations: the pod spec's volume
    // mounts may name volumeClaimTemplates, which the generic pod rules would not know.
    errs.push(...validateSelectorMatchesTemplate(selector, template, tPath));
    const meta = obj(template.metadata);
    errs.push(...validateLabels(meta.labels, tPath.child('labels')), ...validateAnnotations(meta.annotations, tPath.child('annotations')));
  }
  errs.push(...validateLongRunningTemplate(template, tPath, 'StatefulSet'));
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

// A StatefulSet's name becomes each pod's hostname (`<name>-<ordinal>`): a DNS label. An update does not
// re-check it, so an object created under the older subdomain rule can still be updated (and deleted).
registerKindRules('apps', 'StatefulSet', { name: nameIsDNSLabel, validate: validateStatefulSet, validateUpdate: validateStatefulSetUpdate });

// ---- DaemonSet ----

function validateDaemonSetUpdateStrategy(us: Obj): FieldError[] {
  const usPath = spec.child('updateStrategy');
  switch (us.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      if (!isObj(us.rollingUpdate)) return [fieldError.required(usPath.child('rollingUpdate'))];
      const ru = us.rollingUpdate;
      const p = usPath.child('rollingUpdate');
      const errs = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable')),
        ...validatePositiveIntOrPercent(ru.maxSurge, p.child('maxSurge')),
        ...isNotMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable')),
        ...isNotMoreThan100Percent(ru.maxSurge, p.child('maxSurge')),
      ];
      // Exactly one is non-zero: a DaemonSet either surges a node's pod or takes it down first.
      const hasUnavailable = !intOrPercentIsZero(ru.maxUnavailable ?? 0);
      const hasSurge = !intOrPercentIsZero(ru.maxSurge ?? 0);
      if (hasUnavailable && hasSurge) errs.push(fieldError.invalid(p.child('maxSurge'), intstr(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      else if (!hasUnavailable && !hasSurge) errs.push(fieldError.required(p.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
      return errs;
    }
    default: {
      const ru = isObj(us.rollingUpdate) ? '(*apps.RollingUpdateDaemonSet)(0xc000000000)' : '(*apps.RollingUpdateDaemonSet)(nil)';
      return [fieldError.notSupported(usPath, new GoValue(`apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(str(us.type))}, RollingUpdate:${ru}}`), ['RollingUpdate', 'OnDelete'])];
    }
  }
}

function validateDaemonSet(ds: Obj): FieldError[] {
  const s = obj(ds.spec);
  const errs: FieldError[] = [];
  const selPath = spec.child('selector');
  if (isObj(s.selector)) errs.push(...validateLabelSelector(s.selector as LabelSelector, selPath));
  const template = obj(s.template);
  const tPath = spec.child('template');
  // Unlike the other workloads a missing selector is not reported as such: it selects nothing.
  const selector = asSelector(s.selector);
  if (selector && !selector.matches(obj(obj(template.metadata).labels) as Record<string, string>))
    errs.push(fieldError.invalid(at(tPath, 'metadata', 'labels'), goStringMap(obj(template.metadata).labels), '`selector` does not match template `labels`'));
  if (isObj(s.selector) && Object.keys(obj(s.selector.matchLabels)).length + arr(s.selector.matchExpressions).length === 0)
    errs.push(fieldError.invalid(selPath, goLabelSelector(s.selector), 'empty selector is invalid for daemonset'));
  errs.push(...validatePodTemplateSpec(template, tPath));
  errs.push(...validateLongRunningTemplate(template, tPath, 'DaemonSet'));
  errs.push(...validateNonnegativeField(s.minReadySeconds, spec.child('minReadySeconds')));
  errs.push(...validateDaemonSetUpdateStrategy(obj(s.updateStrategy)));
  errs.push(...validateNonnegativeField(s.revisionHistoryLimit, spec.child('revisionHistoryLimit')));
  return errs;
}

registerKindRules('apps', 'DaemonSet', { name: nameIsDNSSubdomain, validate: validateDaemonSet, validateUpdate: selectorImmutable });

// ---- ControllerRevision ----

registerKindRules('apps', 'ControllerRevision', {
  name: nameIsDNSSubdomain,
  validate: (cr) => {
    const errs: FieldError[] = [];
    if (cr.data === undefined || cr.data === null) errs.push(fieldError.required(FieldPath.root('data'), 'data is mandatory'));
    errs.push(...validateNonnegativeField(cr.revision, FieldPath.root('revision')));
    return errs;
  },
  // runtime.RawExtension prints as a Go struct; the stored data is not echoed back.
  validateUpdate: (n, o) => validateImmutableField(n.data, o.data, FieldPath.root('data'), () => new GoValue('runtime.RawExtension{...}')),
});
