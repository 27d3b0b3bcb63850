// LimitRange rules (ValidateLimitRange): item types and min <= default request <= default limit <= max.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { Quantity } from '../../quantity.js';
import { nameIsDNSSubdomain } from '../names.js';
import { arr, obj, str } from './common.js';
import { validateResourceQuantity } from './pod.js';
import { registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

registerKindRules('', 'LimitRange', {
  name: nameIsDNSSubdomain,
  validate: (lr) => {
    const errs: FieldError[] = [];
    const types = ['Container', 'PersistentVolumeClaim', 'Pod'];
    arr(obj(lr.spec).limits).forEach((raw, i) => {
      const item = obj(raw);
      const p = spec.child('limits').index(i);
      const type = str(item.type);
      if (!types.includes(type)) errs.push(fieldError.notSupported(p.child('type'), type, types));
      if (type === 'Pod') {
        if (Object.keys(obj(item.default)).length) errs.push(fieldError.forbidden(p.child('default'), "may not be specified when `type` is 'Pod'"));
        if (Object.keys(obj(item.defaultRequest)).length) errs.push(fieldError.forbidden(p.child('defaultRequest'), "may not be specified when `type` is 'Pod'"));
      }
      const q = (field: string): Map<string, Quantity> => {
        const m = new Map<string, Quantity>();
        for (const [k, v] of Object.entries(obj(item[field]))) {
          const { errs: qe, q: parsed } = validateResourceQuantity(v, p.child(field).key(k));
          errs.push(...qe);
          if (parsed) m.set(k, parsed);
        }
        return m;
      };
      const min = q('min');
      const max = q('max');
      const def = q('default');
      const defReq = q('defaultRequest');
      for (const [k, mn] of min) {
        const mx = max.get(k);
        if (mx && mn.cmp(mx) > 0) errs.push(fieldError.invalid(p.child('min').key(k), mn.toString(), `min value ${mn} is greater than max value ${mx}`));
      }
      for (const [k, d] of defReq) {
        const mn = min.get(k);
        const mx = max.get(k);
        const dl = def.get(k);
        if (mn && d.cmp(mn) < 0) errs.push(fieldError.invalid(p.child('defaultRequest').key(k), d.toString(), `min value ${mn} is greater than default request value ${d}`));
        if (dl && d.cmp(dl) > 0) errs.push(fieldError.invalid(p.child('defaultRequest').key(k), d.toString(), `default request value ${d} is greater than default limit value ${dl}`));
        if (mx && d.cmp(mx) > 0) errs.push(fieldError.invalid(p.child('defaultRequest').key(k), d.toString(), `default request value ${d} is greater than max value ${mx}`));
      }
      for (const [k, d] of def) {
        const mn = min.get(k);
        const mx = max.get(k);
        if (mn && d.cmp(mn) < 0) errs.push(fieldError.invalid(p.child('default').key(k), d.toString(), `min value ${mn} is greater than default value ${d}`));
        if (mx && d.cmp(mx) > 0) errs.push(fieldError.invalid(p.child('default').key(k), d.toString(), `default value ${d} is greater than max value ${mx}`));
      }
      const ratio = obj(item.maxLimitRequestRatio);
      for (const [k, v] of Object.entries(ratio)) {
        const r = Quantity.tryParse(v);
        if (r && r.cmp(Quantity.fromValue(1)) < 0)
          errs.push(fieldError.invalid(p.child('maxLimitRequestRatio').key(k), r.toString(), `ratio ${r} is less than 1`));
      }
    });
    return errs;
  },
});
