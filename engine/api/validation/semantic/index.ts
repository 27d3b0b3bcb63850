// validateSemantics: what the API server checks beyond the schema (pkg/apis/*/validation in Kubernetes):
// object names per kind, metadata, cross-field rules, and immutability when the stored object is given.

import { FieldPath, type FieldError } from '../../errors.js';
import { isObject, nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../names.js';
import { kindRules, type KindRef, type Obj } from './registry.js';
import './kinds.js';

export type { KindRef } from './registry.js';

/**
 * Field errors for `obj` of `kind`, in Kubernetes' paths and words. With `oldObj` (an update), identity
 * fields and each kind's immutable fields are compared too. Objects of a shape the schema rejects are
 * skipped where a rule would need the right shape: structural validation reports those.
 *
 * An update through the status subresource keeps the stored spec, so, as each kind's status strategy
 * (ValidatePodStatusUpdate and the like), it checks the metadata update and the status, not the
 * spec again. The approval subresource (CertificateSigningRequests) is checked the same way, by its
 * own hook.
 */
export function validateSemantics(obj: unknown, kind: KindRef, oldObj?: unknown, subresource?: string): FieldError[] {
  if (!isObject(obj)) return [];
  const r = kindRules(kind.group, kind.kind);
  const metadata = FieldPath.root('metadata');
  const errs: FieldError[] =
    oldObj !== undefined && isObject(oldObj)
      ? validateObjectMetaUpdate(obj.metadata, oldObj.metadata, metadata)
      : validateObjectMeta(obj.metadata, kind.namespaced, r?.name ?? nameIsDNSSubdomain, metadata);
  if (oldObj !== undefined && isObject(oldObj) && subresource === 'ephemeralcontainers' && r?.validateEphemeralContainersUpdate) {
    errs.push(...r.validateEphemeralContainersUpdate(obj as Obj, oldObj as Obj));
    return errs;
  }
  if (oldObj !== undefined && isObject(oldObj) && subresource === 'status') {
    errs.push(...(r?.validateStatusUpdate?.(obj as Obj, oldObj as Obj, kind) ?? []));
    return errs;
  }
  if (oldObj !== undefined && isObject(oldObj) && subresource === 'approval') {
    errs.push(...(r?.validateApprovalUpdate?.(obj as Obj, oldObj as Obj, kind) ?? []));
    return errs;
  }
  if (oldObj !== undefined && isObject(oldObj)) {
    // An update re-checks the name only through immutability; the rest of the object is validated again.
    errs.push(...(r?.validate?.(obj as Obj, kind, oldObj as Obj) ?? []));
    errs.push(...(r?.validateUpdate?.(obj as Obj, oldObj as Obj, kind) ?? []));
  } else {
    errs.push(...(r?.validate?.(obj as Obj, kind) ?? []));
  }
  return errs;
}
