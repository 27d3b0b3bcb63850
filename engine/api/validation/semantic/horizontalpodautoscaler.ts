// HorizontalPodAutoscaler (autoscaling/v2) rules: replica bounds, a scale target, metrics with exactly
// their source populated, and scaling behavior.

import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { Quantity } from '../../quantity.js';
import { nameIsDNSSubdomain, validatePathSegmentName } from '../names.js';
import { arr, at, has, obj, str } from './common.js';
import { type Obj, registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

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
