// ReplicationController rules (ValidateReplicationControllerSpec and its status rules): replicas, a
// plain label map as selector that must select its own template, and pods that restart Always.
// Unlike an apps/v1 workload's, its selector may change after creation.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { selectorFromSet } from '../../labels/selector.js';
import { nameIsDNSSubdomain } from '../names.js';
import { arr, at, isObj, obj, validateNonnegativeField } from './common.js';
import { validatePodTemplateSpec } from './pod.js';
import { type Obj, registerKindRules } from './registry.js';
import { validateLongRunningTemplate, validateSelectorMatchesTemplate, validateWorkloadStatus } from './workload.js';

const spec = FieldPath.root('spec');

function validateSpec(rc: Obj): FieldError[] {
  const s = obj(rc.spec);
  const selector = selectorFromSet(obj(s.selector) as Record<string, string>);
  const errs = [...validateNonnegativeField(s.minReadySeconds, spec.child('minReadySeconds'))];
  // ValidateNonEmptySelector: a selector that selects everything would take every pod of the namespace.
  if (selector.empty()) errs.push(fieldError.required(spec.child('selector')));
  errs.push(...validateNonnegativeField(s.replicas, spec.child('replicas')));
  // ValidatePodTemplateSpecForRC.
  const tPath = spec.child('template');
  if (!isObj(s.template)) return [...errs, fieldError.required(tPath)];
  errs.push(...validateSelectorMatchesTemplate(selector, s.template, tPath), ...validatePodTemplateSpec(s.template, tPath));
  if (typeof s.replicas === 'number' && s.replicas > 1) errs.push(...readOnlyPersistentDisks(s.template, at(tPath, 'spec', 'volumes')));
  errs.push(...validateLongRunningTemplate(s.template, tPath, 'ReplicationController'));
  return errs;
}

/** ValidateReadOnlyPersistentDisks: a GCE disk can be attached to several machines only read-only. */
function readOnlyPersistentDisks(template: Obj, volumes: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(obj(template.spec).volumes).forEach((v, i) => {
    const pd = obj(obj(v).gcePersistentDisk);
    if (isObj(obj(v).gcePersistentDisk) && pd.readOnly !== true) {
      errs.push(fieldError.invalid(at(volumes.index(i), 'gcePersistentDisk', 'readOnly'), false, 'must be true for replicated pods > 1; GCE PD can only be mounted on multiple machines if it is read-only'));
    }
  });
  return errs;
}

registerKindRules('', 'ReplicationController', {
  name: nameIsDNSSubdomain,
  validate: validateSpec,
  validateStatusUpdate: (rc) => validateWorkloadStatus(rc, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'], ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']),
});
