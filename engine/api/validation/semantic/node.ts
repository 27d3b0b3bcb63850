// Node rules (ValidateNode): pod CIDRs and taints.

import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { isQualifiedName, isValidCIDR, isValidLabelValue, nameIsDNSSubdomain } from '../names.js';
import { arr, has, obj, str } from './common.js';
import { taintEffects } from './pod.js';
import { registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

registerKindRules('', 'Node', {
  name: nameIsDNSSubdomain,
  validate: (node) => {
    const s = obj(node.spec);
    const errs: FieldError[] = [];
    const cidrs = arr(s.podCIDRs).length ? arr(s.podCIDRs) : str(s.podCIDR) ? [s.podCIDR] : [];
    cidrs.forEach((c, i) => errs.push(...isValidCIDR(str(c)).map((m) => fieldError.invalid(spec.child('podCIDRs').index(i), c, m))));
    const seen = new Set<string>();
    arr(s.taints).forEach((raw, i) => {
      const t = obj(raw);
      const p = spec.child('taints').index(i);
      const key = str(t.key);
      errs.push(...isQualifiedName(key).map((m) => fieldError.invalid(p.child('key'), key, m)));
      if (has(t, 'value')) errs.push(...isValidLabelValue(str(t.value)).map((m) => fieldError.invalid(p.child('value'), t.value, m)));
      if (!str(t.effect)) errs.push(fieldError.required(p.child('effect')));
      else if (!taintEffects.includes(str(t.effect))) errs.push(fieldError.notSupported(p.child('effect'), t.effect, taintEffects));
      const k = `${key}:${str(t.effect)}`;
      if (seen.has(k)) errs.push(fieldError.duplicate(p, new GoValue(`core.Taint{Key:${JSON.stringify(key)}, Value:${JSON.stringify(str(t.value))}, Effect:${JSON.stringify(str(t.effect))}, TimeAdded:<nil>}`)));
      seen.add(k);
    });
    return errs;
  },
});
