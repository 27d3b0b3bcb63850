// PersistentVolumeClaim rules (ValidatePersistentVolumeClaimSpec and ...Update): access modes, a
// positive storage request, and a spec fixed after creation but for growing a bound claim.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { validateLabelSelector } from '../../labels/labelSelector.js';
import { Quantity } from '../../quantity.js';
import { isDNS1123Subdomain, nameIsDNSSubdomain } from '../names.js';
import { arr, at, deepEqual, has, isObj, obj, str } from './common.js';
import { validateResourceQuantity } from './pod.js';
import { type Obj, registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

export function validateAccessModes(s: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const modes = arr(s.accessModes);
  if (modes.length === 0) errs.push(fieldError.required(fld.child('accessModes'), 'at least 1 access mode is required'));
  for (const m of modes) if (!accessModes.includes(str(m))) errs.push(fieldError.notSupported(fld.child('accessModes'), m, accessModes));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1)
    errs.push(fieldError.forbidden(fld.child('accessModes'), 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** ValidatePositiveQuantityValue and then ValidateResourceQuantityValue. */
export function validatePositiveQuantity(v: unknown, fld: FieldPath): FieldError[] {
  const { errs, q } = validateResourceQuantity(v, fld);
  if (q && q.sign() <= 0) return [fieldError.invalid(fld, q.toString(), 'must be greater than zero')];
  return errs;
}

export function validatePersistentVolumeClaimSpec(specObj: unknown, fld: FieldPath): FieldError[] {
  const s = obj(specObj);
  const errs = validateAccessModes(s, fld);
  if (isObj(s.selector)) errs.push(...validateLabelSelector(s.selector as LabelSelector, fld.child('selector')));
  const requests = obj(obj(s.resources).requests);
  const storagePath = fld.child('resources').key('storage');
  if (!has(requests, 'storage')) errs.push(fieldError.required(storagePath));
  else errs.push(...validatePositiveQuantity(requests.storage, storagePath));
  const sc = str(s.storageClassName);
  if (sc) errs.push(...isDNS1123Subdomain(sc).map((m) => fieldError.invalid(fld.child('storageClassName'), sc, m)));
  if (has(s, 'volumeMode') && !['Block', 'Filesystem'].includes(str(s.volumeMode)))
    errs.push(fieldError.notSupported(fld.child('volumeMode'), s.volumeMode, ['Block', 'Filesystem']));
  return errs;
}

/** A claim's spec is fixed but for binding once to a volume and, when bound, growing its storage request. */
function validatePVCUpdate(n: Obj, o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ns = structuredClone(obj(n.spec));
  const os = structuredClone(obj(o.spec));
  if (!str(os.volumeName)) os.volumeName = ns.volumeName;
  // The stored status decides: an update of the main resource never changes status.
  const bound = obj(o.status).phase === 'Bound';
  const newSize = Quantity.tryParse(obj(obj(ns.resources).requests).storage);
  const oldSize = Quantity.tryParse(obj(obj(os.resources).requests).storage);
  if (bound && isObj(obj(ns.resources).requests)) {
    (obj(ns.resources).requests as Obj).storage = obj(obj(os.resources).requests).storage;
  }
  delete ns.volumeAttributesClassName;
  delete os.volumeAttributesClassName;
  if (!deepEqual(ns, os)) errs.push(fieldError.forbidden(spec, 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  if (newSize && oldSize && newSize.cmp(oldSize) < 0)
    errs.push(fieldError.forbidden(at(spec, 'resources', 'requests', 'storage'), 'field can not be less than previous value'));
  return errs;
}

registerKindRules('', 'PersistentVolumeClaim', {
  name: nameIsDNSSubdomain,
  validate: (pvc) => validatePersistentVolumeClaimSpec(pvc.spec, spec),
  validateUpdate: validatePVCUpdate,
});
