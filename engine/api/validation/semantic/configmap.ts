// ConfigMap rules (ValidateConfigMap, ValidateConfigMapUpdate): keys that can be file names, at most
// 1 MiB of data, and nothing changes once `immutable` is set.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isConfigMapKey, nameIsDNSSubdomain, tooLongBytes } from '../names.js';
import { deepEqual, obj, str } from './common.js';
import { type Obj, registerKindRules } from './registry.js';

const root = FieldPath.root;

/** core.MaxSecretSize: ConfigMaps and Secrets each hold at most 1 MiB of data. */
export const maxSecretSize = 1 * 1024 * 1024;

function validateConfigMap(cm: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const data = obj(cm.data);
  const binaryData = obj(cm.binaryData);
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...isConfigMapKey(key).map((m) => fieldError.invalid(root('data').key(key), key, m)));
    if (key in binaryData) errs.push(fieldError.invalid(root('data').key(key), key, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(str(value), 'utf8');
  }
  for (const [key, value] of Object.entries(binaryData)) {
    errs.push(...isConfigMapKey(key).map((m) => fieldError.invalid(root('binaryData').key(key), key, m)));
    total += base64Length(value);
  }
  // An empty path: the error is about the whole object.
  if (total > maxSecretSize) errs.push(tooLongBytes('', maxSecretSize));
  return errs;
}

/** Decoded length of a base64 value, as the API server stores []byte. */
export function base64Length(v: unknown): number {
  const s = str(v).replace(/\s/g, '');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.floor((s.length * 3) / 4) - pad;
}

/** With `immutable: true` stored, neither the flag nor the data may change any more. */
export function validateImmutableData(n: Obj, o: Obj, fields: string[]): FieldError[] {
  if (o.immutable !== true) return [];
  const errs: FieldError[] = [];
  const detail = 'field is immutable when `immutable` is set';
  if (n.immutable !== true) errs.push(fieldError.forbidden(root('immutable'), detail));
  for (const f of fields) if (!deepEqual(n[f] ?? {}, o[f] ?? {})) errs.push(fieldError.forbidden(root(f), detail));
  return errs;
}

// ValidateConfigMapUpdate and ValidateSecretUpdate check what may not change before the new content.
registerKindRules('', 'ConfigMap', {
  name: nameIsDNSSubdomain,
  validate: (cm, _kind, old) => (old ? [] : validateConfigMap(cm)),
  validateUpdate: (n, o) => [...validateImmutableData(n, o, ['data', 'binaryData']), ...validateConfigMap(n)],
});
