// Secret rules (ValidateSecret, ValidateSecretUpdate): keys and size as for ConfigMaps, the keys each
// built-in type requires, and a type that never changes.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isConfigMapKey, nameIsDNSSubdomain, tooLongBytes } from '../names.js';
import { at, obj, str } from './common.js';
import { base64Length, maxSecretSize, validateImmutableData } from './configmap.js';
import { type Obj, registerKindRules } from './registry.js';

const root = FieldPath.root;

function validateSecret(secret: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const dataPath = root('data');
  // stringData is merged into data (and wins) when the API server decodes a Secret.
  const keys = new Map<string, number>();
  for (const [k, v] of Object.entries(obj(secret.data))) keys.set(k, base64Length(v));
  for (const [k, v] of Object.entries(obj(secret.stringData))) keys.set(k, Buffer.byteLength(str(v), 'utf8'));
  let total = 0;
  for (const [key, len] of keys) {
    errs.push(...isConfigMapKey(key).map((m) => fieldError.invalid(dataPath.key(key), key, m)));
    total += len;
  }
  if (total > maxSecretSize) errs.push(tooLongBytes(dataPath, maxSecretSize));
  switch (str(secret.type)) {
    case 'kubernetes.io/service-account-token':
      if (!str(obj(obj(secret.metadata).annotations)['kubernetes.io/service-account.name']))
        errs.push(fieldError.required(at(root('metadata'), 'annotations').key('kubernetes.io/service-account.name')));
      break;
    case 'kubernetes.io/dockercfg':
      if (!keys.has('.dockercfg')) errs.push(fieldError.required(dataPath.key('.dockercfg')));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (!keys.has('.dockerconfigjson')) errs.push(fieldError.required(dataPath.key('.dockerconfigjson')));
      break;
    case 'kubernetes.io/basic-auth':
      if (!keys.has('username') && !keys.has('password')) errs.push(fieldError.required(dataPath.key('username')), fieldError.required(dataPath.key('password')));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!keys.get('ssh-privatekey')) errs.push(fieldError.required(dataPath.key('ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!keys.has('tls.crt')) errs.push(fieldError.required(dataPath.key('tls.crt')));
      if (!keys.has('tls.key')) errs.push(fieldError.required(dataPath.key('tls.key')));
      break;
  }
  return errs;
}

registerKindRules('', 'Secret', {
  name: nameIsDNSSubdomain,
  validate: (secret, _kind, old) => (old ? [] : validateSecret(secret)),
  validateUpdate: (n, o) => {
    const errs: FieldError[] = [];
    const nt = n.type ?? 'Opaque';
    const ot = o.type ?? 'Opaque';
    if (nt !== ot) errs.push(fieldError.invalid(root('type'), nt, 'field is immutable'));
    errs.push(...validateImmutableData(n, o, ['data']));
    errs.push(...validateSecret(n));
    return errs;
  },
});
