// ReplicaSet rules (ValidateReplicaSetSpec): replicas, a selector that selects its template, and pods
// that restart Always; its selector is fixed once created.

import { fieldError, FieldPath } from '../../errors.js';
import { nameIsDNSSubdomain } from '../names.js';
import { jsonLabelSelector, obj, validateNonnegativeField } from './common.js';
import { registerKindRules } from './registry.js';
import { asSelector, selectorImmutable, validateReplicaSetTemplate, validateRequiredSelector, validateWorkloadStatus } from './workload.js';

const spec = FieldPath.root('spec');

registerKindRules('apps', 'ReplicaSet', {
  name: nameIsDNSSubdomain,
  validate: (rs) => {
    const s = obj(rs.spec);
    // Kubernetes' ReplicaSet validation says "deployment" here too.
    const errs = [...validateNonnegativeField(s.replicas, spec.child('replicas')), ...validateNonnegativeField(s.minReadySeconds, spec.child('minReadySeconds')), ...validateRequiredSelector(s, 'deployment')];
    const selector = asSelector(s.selector);
    if (selector) errs.push(...validateReplicaSetTemplate(s, selector));
    else errs.push(fieldError.invalid(spec.child('selector'), jsonLabelSelector(s.selector), 'invalid label selector'));
    return errs;
  },
  validateUpdate: selectorImmutable,
  validateStatusUpdate: (rs) => validateWorkloadStatus(rs, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration', 'terminatingReplicas'], ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']),
});
