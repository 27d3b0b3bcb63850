// DaemonSet rules (ValidateDaemonSetSpec): its selector, a pod template that restarts Always, and an
// update strategy that surges or takes a node's pod down first, never both.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { validateLabelSelector } from '../../labels/labelSelector.js';
import { nameIsDNSSubdomain } from '../names.js';
import { arr, at, jsonLabelSelector, jsonValue, intOrPercentIsZero, intstr, isNotMoreThan100Percent, isObj, obj, str, validateNonnegativeField, validatePositiveIntOrPercent } from './common.js';
import { validatePodTemplateSpec } from './pod.js';
import { type Obj, registerKindRules } from './registry.js';
import { asSelector, selectorImmutable, validateLongRunningTemplate, validateWorkloadStatus } from './workload.js';

const spec = FieldPath.root('spec');

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
    errs.push(fieldError.invalid(at(tPath, 'metadata', 'labels'), jsonValue(obj(template.metadata).labels), '`selector` does not match template `labels`'));
  if (isObj(s.selector) && Object.keys(obj(s.selector.matchLabels)).length + arr(s.selector.matchExpressions).length === 0)
    errs.push(fieldError.invalid(selPath, jsonLabelSelector(s.selector), 'empty selector is invalid for daemonset'));
  errs.push(...validatePodTemplateSpec(template, tPath));
  errs.push(...validateLongRunningTemplate(template, tPath, 'DaemonSet'));
  errs.push(...validateNonnegativeField(s.minReadySeconds, spec.child('minReadySeconds')));
  errs.push(...validateDaemonSetUpdateStrategy(obj(s.updateStrategy)));
  errs.push(...validateNonnegativeField(s.revisionHistoryLimit, spec.child('revisionHistoryLimit')));
  return errs;
}

registerKindRules('apps', 'DaemonSet', {
  name: nameIsDNSSubdomain,
  validate: validateDaemonSet,
  validateUpdate: selectorImmutable,
  validateStatusUpdate: (ds) =>
    validateWorkloadStatus(ds, ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount']),
});
