// PodDisruptionBudget rules (pkg/apis/policy/validation): minAvailable or maxUnavailable, never both.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { validateLabelSelector } from '../../labels/labelSelector.js';
import { nameIsDNSSubdomain } from '../names.js';
import { has, isNotMoreThan100Percent, isObj, obj, str, validatePositiveIntOrPercent } from './common.js';
import { registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

registerKindRules('policy', 'PodDisruptionBudget', {
  name: nameIsDNSSubdomain,
  validate: (pdb) => {
    const s = obj(pdb.spec);
    const errs: FieldError[] = [];
    // Kubernetes prints the whole spec struct here; its pointers make that text unrepeatable.
    if (has(s, 'minAvailable') && has(s, 'maxUnavailable'))
      errs.push(fieldError.invalid(spec, new GoValue('policy.PodDisruptionBudgetSpec{...}'), 'minAvailable and maxUnavailable cannot be both set'));
    for (const f of ['minAvailable', 'maxUnavailable'])
      if (has(s, f)) errs.push(...validatePositiveIntOrPercent(s[f], spec.child(f)), ...isNotMoreThan100Percent(s[f], spec.child(f)));
    if (isObj(s.selector)) errs.push(...validateLabelSelector(s.selector as LabelSelector, spec.child('selector')));
    if (has(s, 'unhealthyPodEvictionPolicy') && !['AlwaysAllow', 'IfHealthyBudget'].includes(str(s.unhealthyPodEvictionPolicy)))
      errs.push(fieldError.notSupported(spec.child('unhealthyPodEvictionPolicy'), s.unhealthyPodEvictionPolicy, ['AlwaysAllow', 'IfHealthyBudget']));
    return errs;
  },
});
