// ControllerRevision rules: a non-negative revision and data that never changes once written.

import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { nameIsDNSSubdomain } from '../names.js';
import { validateImmutableField, validateNonnegativeField } from './common.js';
import { registerKindRules } from './registry.js';

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
