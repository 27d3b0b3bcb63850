// LimitRange rules (ValidateLimitRange): item types, and per resource min <= default request <= default
// limit <= max, with a limit/request ratio of at least 1 that min and max leave room for.

import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { Quantity } from '../../quantity.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../names.js';
import { arr, obj, str } from './common.js';
import { validateResourceQuantity } from './pod.js';
import { registerKindRules, type Obj } from './registry.js';

const spec = FieldPath.root('spec');
const standardLimitTypes = ['Container', 'PersistentVolumeClaim', 'Pod'];

/** A Quantity prints unquoted in messages: it has a String() method. */
const goQuantity = (q: Quantity): GoValue => new GoValue(q.toString());

function validateLimitRangeItem(item: Obj, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(item.type);
  if (!standardLimitTypes.includes(type)) {
    const msgs = isQualifiedName(type);
    if (msgs.length) errs.push(fieldError.invalid(p.child('type'), type, 'must be a standard limit type or fully qualified'));
  }
  const keys = new Set<string>();
  const collect = (field: string): Map<string, Quantity> => {
    const m = new Map<string, Quantity>();
    for (const [k, v] of Object.entries(obj(item[field]))) {
      keys.add(k);
      const { errs: qe, q } = validateResourceQuantity(v, p.child(field).key(k));
      errs.push(...qe);
      if (q) m.set(k, q);
    }
    return m;
  };
  const max = collect('max');
  const min = collect('min');
  const def = collect('default');
  const defReq = collect('defaultRequest');
  let ratios = new Map<string, Quantity>();
  if (type === 'Pod') {
    if (Object.keys(obj(item.default)).length) errs.push(fieldError.forbidden(p.child('default'), "may not be specified when `type` is 'Pod'"));
    if (Object.keys(obj(item.defaultRequest)).length) errs.push(fieldError.forbidden(p.child('defaultRequest'), "may not be specified when `type` is 'Pod'"));
  } else {
    ratios = collect('maxLimitRequestRatio');
  }
  if (type === 'PersistentVolumeClaim' && !min.has('storage') && !max.has('storage'))
    errs.push(fieldError.required(p.child('limits'), 'either minimum or maximum storage value is required, but neither was provided'));
  for (const k of keys) {
    const mn = min.get(k);
    const mx = max.get(k);
    const d = def.get(k);
    const dr = defReq.get(k);
    const ratio = ratios.get(k);
    if (mn && mx && mn.cmp(mx) > 0) errs.push(fieldError.invalid(p.child('min').key(k), goQuantity(mn), `min value ${mn} is greater than max value ${mx}`));
    if (dr && mn && mn.cmp(dr) > 0) errs.push(fieldError.invalid(p.child('defaultRequest').key(k), goQuantity(dr), `min value ${mn} is greater than default request value ${dr}`));
    if (dr && mx && dr.cmp(mx) > 0) errs.push(fieldError.invalid(p.child('defaultRequest').key(k), goQuantity(dr), `default request value ${dr} is greater than max value ${mx}`));
    if (dr && d && dr.cmp(d) > 0) errs.push(fieldError.invalid(p.child('defaultRequest').key(k), goQuantity(dr), `default request value ${dr} is greater than default limit value ${d}`));
    if (d && mn && mn.cmp(d) > 0) errs.push(fieldError.invalid(p.child('default').key(k), goQuantity(mn), `min value ${mn} is greater than default value ${d}`));
    if (d && mx && d.cmp(mx) > 0) errs.push(fieldError.invalid(p.child('default').key(k), goQuantity(mx), `default value ${d} is greater than max value ${mx}`));
    if (ratio && ratio.cmp(Quantity.fromValue(1)) < 0) errs.push(fieldError.invalid(p.child('maxLimitRequestRatio').key(k), goQuantity(ratio), `ratio ${ratio} is less than 1`));
    if (ratio && mn && mx) {
      // A limit may exceed its request by at most max/min: a larger ratio could never be met.
      const limit = mx.milliValue() / mn.milliValue();
      if (ratio.milliValue() / 1000 > limit)
        errs.push(fieldError.invalid(p.child('maxLimitRequestRatio').key(k), goQuantity(ratio), `ratio ${ratio} is greater than max/min = ${limit.toFixed(6)}`));
    }
  }
  return errs;
}

registerKindRules('', 'LimitRange', {
  name: nameIsDNSSubdomain,
  validate: (lr) => {
    const errs: FieldError[] = [];
    arr(obj(lr.spec).limits).forEach((raw, i) => errs.push(...validateLimitRangeItem(obj(raw), spec.child('limits').index(i))));
    return errs;
  },
});
