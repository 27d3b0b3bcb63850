// Deployment rules (ValidateDeployment, ValidateDeploymentStrategy): the workload checks, a rollout
// strategy, history and progress limits; its selector is fixed once created.

import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { nameIsDNSSubdomain } from '../names.js';
import { jsonLabelSelector, has, intOrPercentIsZero, intstr, isNotMoreThan100Percent, isObj, obj, str, validateNonnegativeField, validatePositiveIntOrPercent } from './common.js';
import { type Obj, registerKindRules } from './registry.js';
import { asSelector, selectorImmutable, validateReplicaSetTemplate, validateRequiredSelector, validateWorkloadStatus } from './workload.js';

const spec = FieldPath.root('spec');

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
  else errs.push(fieldError.invalid(spec.child('selector'), jsonLabelSelector(s.selector), 'invalid label selector'));
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

registerKindRules('apps', 'Deployment', {
  name: nameIsDNSSubdomain,
  validate: validateDeployment,
  validateUpdate: selectorImmutable,
  validateStatusUpdate: (d) =>
    validateWorkloadStatus(d, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'terminatingReplicas', 'collisionCount'], ['updatedReplicas', 'readyReplicas', 'availableReplicas']),
});
