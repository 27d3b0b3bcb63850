// Job rules (pkg/apis/batch/validation: validateJobSpec, ValidateJobSpecUpdate): counts, completion
// mode, pods that stop (OnFailure or Never), and a template fixed once the Job exists.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { labelSelectorAsSelector, validateLabelSelector } from '../../labels/labelSelector.js';
import { nameIsDNSSubdomain } from '../names.js';
import { at, jsonLabelSelector, jsonValue, has, isObj, obj, validateImmutableField, validateNonnegativeField } from './common.js';
import { validatePodTemplateSpec } from './pod.js';
import { type Obj, registerKindRules } from './registry.js';

const maxParallelismForIndexedJob = 100000;

/** validateJobSpec: counts, completion mode, selector and template. */
export function validateJobSpec(spec: unknown, fld: FieldPath): FieldError[] {
  const s = obj(spec);
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished'])
    errs.push(...validateNonnegativeField(s[f], fld.child(f)));
  if (has(s, 'completionMode')) {
    if (s.completionMode !== 'NonIndexed' && s.completionMode !== 'Indexed')
      errs.push(fieldError.notSupported(fld.child('completionMode'), s.completionMode, ['NonIndexed', 'Indexed']));
    if (s.completionMode === 'Indexed') {
      if (!has(s, 'completions')) errs.push(fieldError.required(fld.child('completions'), 'when completion mode is Indexed'));
      if (typeof s.parallelism === 'number' && s.parallelism > maxParallelismForIndexedJob)
        errs.push(fieldError.invalid(fld.child('parallelism'), s.parallelism, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`));
    }
  }
  // The API server generates the selector (controller-uid) before validating; a given one must select the template.
  if (isObj(s.selector)) {
    errs.push(...validateLabelSelector(s.selector as LabelSelector, fld.child('selector')));
    const labels = obj(obj(obj(s.template).metadata).labels) as Record<string, string>;
    try {
      if (!labelSelectorAsSelector(s.selector as LabelSelector).matches(labels))
        errs.push(fieldError.invalid(at(fld, 'template', 'metadata', 'labels'), jsonValue(obj(obj(s.template).metadata).labels), '`selector` does not match template `labels`'));
    } catch {
      // reported by validateLabelSelector
    }
  }
  const tPath = fld.child('template');
  errs.push(...validatePodTemplateSpec(s.template, tPath));
  // Pod templates default to Always, which is exactly what a Job may not use.
  const restartPolicy = obj(obj(s.template).spec).restartPolicy ?? 'Always';
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') errs.push(fieldError.notSupported(at(tPath, 'spec', 'restartPolicy'), restartPolicy, ['OnFailure', 'Never']));
  return errs;
}

function validateJobUpdate(n: Obj, o: Obj): FieldError[] {
  const ns = obj(n.spec);
  const os = obj(o.spec);
  const spec = FieldPath.root('spec');
  return [
    ...validateImmutableField(ns.completions, os.completions, spec.child('completions')),
    ...validateImmutableField(ns.selector, os.selector, spec.child('selector'), jsonLabelSelector),
    // The template's Go struct is printed whole by Kubernetes; only its type is shown here.
    ...validateImmutableField(ns.template, os.template, spec.child('template'), () => new GoValue('core.PodTemplateSpec{...}')),
    ...validateImmutableField(ns.completionMode, os.completionMode, spec.child('completionMode')),
    ...validateImmutableField(ns.podFailurePolicy, os.podFailurePolicy, spec.child('podFailurePolicy'), () => new GoValue('&batch.PodFailurePolicy{...}')),
    ...validateImmutableField(ns.backoffLimitPerIndex, os.backoffLimitPerIndex, spec.child('backoffLimitPerIndex')),
  ];
}

registerKindRules('batch', 'Job', { name: nameIsDNSSubdomain, validate: (job) => validateJobSpec(job.spec, FieldPath.root('spec')), validateUpdate: validateJobUpdate });
