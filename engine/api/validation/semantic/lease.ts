// Lease rules (pkg/apis/coordination/validation): a positive duration and non-negative transitions.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { nameIsDNSSubdomain } from '../names.js';
import { obj } from './common.js';
import { registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

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
