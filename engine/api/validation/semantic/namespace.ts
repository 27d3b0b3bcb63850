// Namespace rules: a DNS-label name (set by its kind rule) and spec finalizers that are standard or
// domain-qualified.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isQualifiedName, nameIsDNSLabel } from '../names.js';
import { arr, at, obj, str } from './common.js';
import { registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

registerKindRules('', 'Namespace', {
  name: nameIsDNSLabel,
  validate: (ns) => {
    const errs: FieldError[] = [];
    arr(obj(ns.spec).finalizers).forEach((f, i) => {
      const name = str(f);
      // validateFinalizerName: a qualified name, and either standard ("kubernetes") or domain-prefixed.
      const msgs = isQualifiedName(name);
      for (const m of msgs) errs.push(fieldError.invalid(at(spec, 'finalizers').index(i), name, m));
      if (!msgs.length && !name.includes('/') && name !== 'kubernetes')
        errs.push(fieldError.invalid(at(spec, 'finalizers').index(i), name, 'name is neither a standard finalizer name nor is it fully qualified'));
    });
    return errs;
  },
});
