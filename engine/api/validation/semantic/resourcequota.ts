// ResourceQuota rules: hard limits that are valid, non-negative quantities, and known scopes.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../names.js';
import { arr, obj, str } from './common.js';
import { validateResourceQuantity } from './pod.js';
import { registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

function validateResourceList(list: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, v] of Object.entries(obj(list))) {
    const p = fld.key(name);
    errs.push(...isQualifiedName(name).map((m) => fieldError.invalid(p, name, m)));
    errs.push(...validateResourceQuantity(v, p).errs);
  }
  return errs;
}

registerKindRules('', 'ResourceQuota', {
  name: nameIsDNSSubdomain,
  validate: (rq) => {
    const s = obj(rq.spec);
    const errs = validateResourceList(s.hard, spec.child('hard'));
    const scopes = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating', 'VolumeAttributesClass'];
    arr(s.scopes).forEach((sc) => {
      if (!scopes.includes(str(sc))) errs.push(fieldError.notSupported(spec.child('scopes'), sc, scopes));
    });
    return errs;
  },
});
